import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_PINNED_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  formatProtonArn,
  ProtonArn,
  TemplateFleet,
  TemplateFleetMember,
} from '@proton-platform/plugin-aws-proton-common';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';
import { TemplateUsage, TemplateUsageService } from './TemplateUsageService';

/** Deployment statuses that are still moving. */
const MOVING = new Set(['IN_PROGRESS', 'DELETE_IN_PROGRESS', 'CANCELLING']);

/** The catalog entities annotated with `annotation`, by the ARN in it. */
async function entitiesByArn(
  catalog: CatalogService,
  annotation: string,
  credentials: BackstageCredentials,
): Promise<Map<string, Entity>> {
  const { items } = await catalog.getEntities(
    {
      filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS },
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
        'spec.owner',
      ],
    },
    { credentials },
  );
  const byArn = new Map<string, Entity>();
  for (const entity of items) {
    const arn = entity.metadata.annotations?.[annotation];
    if (arn && !byArn.has(arn)) byArn.set(arn, entity);
  }
  return byArn;
}

function ownerOf(entity?: Entity): string | undefined {
  const owner = (entity?.spec as { owner?: unknown } | undefined)?.owner;
  return typeof owner === 'string' ? owner : undefined;
}

/**
 * Reads where a template runs for its entity page: every service instance (service template) or
 * environment (environment template) by the version it runs, joined with the catalog: the entity of
 * each service and environment the caller can see, its owner, and its pin
 * (`aws.amazon.com/aws-proton-pinned`).
 *
 * Upstream cost: one pass over the template's versions and one over ListServiceInstances (filtered
 * by template) or ListEnvironments, cached like every Proton read; never a call per instance. The
 * catalog is read with the caller's credentials (two queries), so entities the caller cannot see
 * are not linked.
 */
export class TemplateFleetService {
  constructor(
    private readonly usage: TemplateUsageService,
    private readonly catalog: CatalogService,
    private readonly cache: ProtonReadCache,
  ) {}

  /**
   * @param arn - a service template's or environment template's ARN
   * @throws the Proton call's error, in words (see `callProton`)
   */
  async getTemplateFleet(
    arn: ProtonArn,
    credentials: BackstageCredentials,
  ): Promise<TemplateFleet> {
    const kind =
      arn.resourceType === 'service-template' ? 'service' : 'environment';
    const [usage, services, environments] = await Promise.all([
      this.cache.read<TemplateUsage>(
        cacheKeys.templateFleet(arn.accountId, arn.region, kind, arn.name),
        () => this.usage.getTemplateUsage(arn),
        value =>
          value.versions.some(v =>
            v.runs.some(r => MOVING.has(r.deploymentStatus)),
          ),
      ),
      kind === 'service'
        ? entitiesByArn(
            this.catalog,
            AWS_PROTON_SERVICE_ANNOTATION,
            credentials,
          )
        : Promise.resolve(new Map<string, Entity>()),
      entitiesByArn(
        this.catalog,
        AWS_PROTON_ENVIRONMENT_ANNOTATION,
        credentials,
      ),
    ]);
    // the ARN of a service or environment of the template's account and region
    const arnOf = (resourceType: 'service' | 'environment', name?: string) =>
      formatProtonArn({ ...arn, resourceType, name: name ?? '' });
    const members: TemplateFleetMember[] = [];
    const runs = [
      ...usage.versions.flatMap(v =>
        v.runs.map(run => ({ version: v.version, run })),
      ),
      ...usage.unlisted.map(run => ({ version: 'unknown', run })),
    ];
    for (const { version, run } of runs) {
      const environment = run.environmentName
        ? environments.get(arnOf('environment', run.environmentName))
        : undefined;
      const entity =
        kind === 'service'
          ? services.get(arnOf('service', run.serviceName))
          : environment;
      let memberKind: TemplateFleetMember['kind'] = 'environment';
      if (run.pipeline) memberKind = 'pipeline';
      else if (kind === 'service') memberKind = 'service-instance';
      members.push({
        kind: memberKind,
        arn: run.arn,
        name: run.name,
        serviceName: run.serviceName,
        environmentName: run.environmentName,
        version,
        deploymentStatus: run.deploymentStatus,
        lastDeploymentAttemptedAt: run.lastDeploymentAttemptedAt,
        entityRef: entity && stringifyEntityRef(entity),
        environmentEntityRef: environment && stringifyEntityRef(environment),
        owner: ownerOf(entity),
        pinnedReason:
          entity?.metadata.annotations?.[
            AWS_PROTON_PINNED_ANNOTATION
          ]?.trim() || undefined,
      });
    }
    members.sort(
      (a, b) =>
        (a.serviceName ?? '').localeCompare(b.serviceName ?? '') ||
        a.name.localeCompare(b.name),
    );
    return {
      name: usage.name,
      kind,
      recommendedVersion: usage.recommendedVersion,
      publishedVersions: usage.versions
        .filter(v => v.status === 'PUBLISHED')
        .map(v => v.version),
      members,
      inProgress: members.some(m => MOVING.has(m.deploymentStatus)),
    };
  }
}
