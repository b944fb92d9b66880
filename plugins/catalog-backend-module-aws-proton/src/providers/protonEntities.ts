import {
  EnvironmentSummary,
  EnvironmentTemplateSummary,
  ServiceInstanceSummary,
  ServiceSummary,
  ServiceTemplateSummary,
} from '@aws-sdk/client-proton';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_PINNED_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  PROTON_PINNED_TAG_KEY,
} from '@proton-platform/plugin-aws-proton-common';
import { requireField } from '@proton-platform/plugin-aws-proton-node';

/** The Proton tags that set an entity's owner and lifecycle. */
export const OWNER_TAG = 'backstage:owner';
export const LIFECYCLE_TAG = 'backstage:lifecycle';

/**
 * How an {@link AwsProtonEntityProvider}'s entities are located and owned.
 *
 * @public
 */
export interface AwsProtonEntityDefaults {
  /** The provider's location, e.g. `aws-proton:production`. */
  location: string;
  /**
   * The `spec.owner` of entities whose Proton resource has no `backstage:owner` tag, and of templates
   * and scaffolder templates (`defaultOwner`, default `unknown`).
   */
  owner: string;
  /**
   * The `spec.lifecycle` of services that have no `backstage:lifecycle` tag (`defaultLifecycle`,
   * default `production`).
   */
  lifecycle: string;
}

/**
 * Turns a Proton name into a valid catalog entity name: lowercase, `_` as `-`, at most 63 characters.
 * The scaffolder actions name the entity of a new service the same way.
 */
export function protonEntityName(name: string): string {
  return name
    .toLocaleLowerCase('en-US')
    .replace(/_/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
}

function annotations(
  defaults: AwsProtonEntityDefaults,
  key: string,
  arn: string,
  tags: Record<string, string> = {},
) {
  // a resource tagged proton:pinned is pinned on its entity too, where fleet views read pins (an
  // empty value pins as well, as campaigns read the tag)
  const tag = tags[PROTON_PINNED_TAG_KEY];
  const pinned =
    tag === undefined ? undefined : tag.trim() || 'tagged proton:pinned';
  return {
    [key]: arn,
    [ANNOTATION_LOCATION]: defaults.location,
    [ANNOTATION_ORIGIN_LOCATION]: defaults.location,
    ...(pinned ? { [AWS_PROTON_PINNED_ANNOTATION]: pinned } : {}),
  };
}

export function environmentEntity(
  environment: EnvironmentSummary,
  tags: Record<string, string>,
  defaults: AwsProtonEntityDefaults,
): Entity {
  const name = requireField(environment.name, 'environment.name');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: protonEntityName(name),
      title: name,
      description: environment.description,
      tags: ['aws-proton'],
      annotations: annotations(
        defaults,
        AWS_PROTON_ENVIRONMENT_ANNOTATION,
        requireField(environment.arn, 'environment.arn'),
        tags,
      ),
    },
    spec: {
      type: 'aws-proton-environment',
      owner: tags[OWNER_TAG] || defaults.owner,
    },
  };
}

export function serviceEntity(
  service: ServiceSummary,
  instances: ServiceInstanceSummary[],
  tags: Record<string, string>,
  defaults: AwsProtonEntityDefaults,
): Entity {
  const name = requireField(service.name, 'service.name');
  const environments = [
    ...new Set(
      instances.map(i =>
        requireField(i.environmentName, 'serviceInstance.environmentName'),
      ),
    ),
  ].sort();
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: protonEntityName(name),
      title: name,
      description: service.description,
      tags: ['aws-proton'],
      annotations: annotations(
        defaults,
        AWS_PROTON_SERVICE_ANNOTATION,
        requireField(service.arn, 'service.arn'),
        tags,
      ),
    },
    spec: {
      type: 'service',
      lifecycle: tags[LIFECYCLE_TAG] || defaults.lifecycle,
      owner: tags[OWNER_TAG] || defaults.owner,
      dependsOn: environments.map(env => `resource:${protonEntityName(env)}`),
    },
  };
}

export function templateEntity(
  template: ServiceTemplateSummary | EnvironmentTemplateSummary,
  kind: 'service' | 'environment',
  defaults: AwsProtonEntityDefaults,
): Entity {
  const name = requireField(template.name, 'template.name');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: protonEntityName(`${kind}-template-${name}`),
      title: template.displayName ?? name,
      description: template.description,
      tags: ['aws-proton'],
      annotations: annotations(
        defaults,
        kind === 'service'
          ? AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION
          : AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
        requireField(template.arn, 'template.arn'),
      ),
    },
    spec: {
      type: `aws-proton-${kind}-template`,
      owner: defaults.owner,
    },
  };
}
