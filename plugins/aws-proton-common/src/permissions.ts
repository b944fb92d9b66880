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
 * Allows upgrading a service's pipeline to another template version (upgrade campaigns check it).
 * It is a resource permission on the catalog entity that carries the service annotation.
 *
 * @public
 */
export const awsProtonServicePipelineUpdatePermission = createPermission({
  name: 'aws-proton.service-pipeline.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Allows upgrading an environment to another template version (upgrade campaigns check it). It is
 * a resource permission on the catalog entity that carries the environment annotation.
 *
 * @public
 */
export const awsProtonEnvironmentUpdatePermission = createPermission({
  name: 'aws-proton.environment.update',
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
 * is a resource permission on the catalog entity of the template; each target a campaign upgrades
 * also needs its own update permission: `aws-proton.service-instance.update` or
 * `aws-proton.service-pipeline.update` on its service's entity, `aws-proton.environment.update` on
 * the environment's.
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
  awsProtonServicePipelineUpdatePermission,
  awsProtonEnvironmentUpdatePermission,
  awsProtonServiceCreatePermission,
  awsProtonEnvironmentCreatePermission,
  awsProtonTemplateUpgradeFleetPermission,
];
