import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows redeploying a service instance or upgrading it to another template version.
 * It is a resource permission on the catalog entity that carries the service annotation.
 *
 * @public
 */
export const awsProtonServiceInstanceUpdatePermission = createPermission({
  name: 'aws-proton.service-instance.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Allows creating AWS Proton services (the scaffolder actions check it).
 *
 * @public
 */
export const awsProtonServiceCreatePermission = createPermission({
  name: 'aws-proton.service.create',
  attributes: { action: 'create' },
});

/**
 * Allows creating AWS Proton environments (the scaffolder action checks it).
 *
 * @public
 */
export const awsProtonEnvironmentCreatePermission = createPermission({
  name: 'aws-proton.environment.create',
  attributes: { action: 'create' },
});

/**
 * Allows starting, pausing, resuming and cancelling an upgrade campaign over a template's fleet. It
 * is a resource permission on the catalog entity of the template; each instance a campaign upgrades
 * also needs `aws-proton.service-instance.update` on its service's entity.
 *
 * @public
 */
export const awsProtonTemplateUpgradeFleetPermission = createPermission({
  name: 'aws-proton.template.upgrade-fleet',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission this plugin defines.
 *
 * @public
 */
export const awsProtonPermissions = [
  awsProtonServiceInstanceUpdatePermission,
  awsProtonServiceCreatePermission,
  awsProtonEnvironmentCreatePermission,
  awsProtonTemplateUpgradeFleetPermission,
];
