import {
  EnvironmentTemplateVersionSummary,
  GetEnvironmentTemplateCommand,
  GetServiceCommand,
  GetServiceTemplateCommand,
  paginateListEnvironments,
  paginateListEnvironmentTemplateVersions,
  paginateListServiceInstances,
  paginateListServices,
  paginateListServiceTemplateVersions,
  ProtonClient,
  ServiceTemplateVersionSummary,
} from '@aws-sdk/client-proton';
import { ProtonArn } from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
} from '@proton-platform/plugin-aws-proton-node';
import pLimit from 'p-limit';

/**
 * Every version of a template: the majors (ListXTemplateVersions without a major version answers one
 * summary per major, as AWS Proton documents), then every minor of each major.
 *
 * @throws the Proton call's error, in words (see `callProton`)
 */
export async function listAllTemplateVersions(
  client: ProtonClient,
  kind: 'service' | 'environment',
  templateName: string,
  context: (operation: string) => ProtonCallContext,
): Promise<
  Array<ServiceTemplateVersionSummary | EnvironmentTemplateVersionSummary>
> {
  const list = async (majorVersion?: string) => {
    const found: Array<
      ServiceTemplateVersionSummary | EnvironmentTemplateVersionSummary
    > = [];
    const operation = `List${
      kind === 'service' ? 'Service' : 'Environment'
    }TemplateVersions`;
    await callProton(context(operation), async () => {
      const pages =
        kind === 'service'
          ? paginateListServiceTemplateVersions(
              { client },
              { templateName, majorVersion },
            )
          : paginateListEnvironmentTemplateVersions(
              { client },
              { templateName, majorVersion },
            );
      for await (const page of pages) {
        found.push(
          ...('templateVersions' in page ? page.templateVersions ?? [] : []),
        );
      }
    });
    return found;
  };
  const majors = new Set((await list()).map(v => v.majorVersion!));
  const all = new Map<
    string,
    ServiceTemplateVersionSummary | EnvironmentTemplateVersionSummary
  >();
  for (const major of majors) {
    for (const summary of await list(major)) {
      all.set(versionOf(summary.majorVersion, summary.minorVersion), summary);
    }
  }
  return [...all.values()];
}

/**
 * Something that runs a template version: a service instance of a service template, or an
 * environment of an environment template.
 *
 * @public
 */
export interface TemplateRun {
  /** For a service instance, the service's name; absent for an environment. */
  serviceName?: string;
  /** The service instance's or the environment's name. */
  name: string;
  /** True for a service pipeline (its `name` is then `pipeline`). */
  pipeline?: boolean;
  /** The environment a service instance is deployed into (an environment's own name); absent for a pipeline. */
  environmentName?: string;
  /** Its deployment status as Proton reports it, e.g. `SUCCEEDED`. */
  deploymentStatus: string;
  /** The service instance's or the environment's ARN. */
  arn: string;
  /** When its last deployment was attempted (ISO 8601). */
  lastDeploymentAttemptedAt?: string;
}

/**
 * A template version and what runs it.
 *
 * @public
 */
export interface TemplateVersionUsage {
  /** `major.minor`. */
  version: string;
  /** `REGISTRATION_IN_PROGRESS`, `REGISTRATION_FAILED`, `DRAFT` or `PUBLISHED`. */
  status: string;
  /** Whether this is the template's recommended version (its highest published one). */
  recommended: boolean;
  description?: string;
  /** What runs this version, by service and name. */
  runs: TemplateRun[];
}

/**
 * A template's versions and where each runs.
 *
 * @public
 */
export interface TemplateUsage {
  arn: string;
  name: string;
  kind: 'service' | 'environment';
  /** `major.minor` of the recommended version, when one is published. */
  recommendedVersion?: string;
  /** Every version, oldest first, including versions nothing runs. */
  versions: TemplateVersionUsage[];
  /** Things that run a version the template no longer lists (deleted versions). */
  unlisted: TemplateRun[];
}

function versionOf(major?: string, minor?: string): string {
  return `${major ?? '?'}.${minor ?? '?'}`;
}

function byVersion(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * Reads which version of a service or environment template runs where: the template's versions
 * (every minor of every major) and its service instances (and pipelines) or environments, grouped by
 * the version they run. One pass over each listing: calls grow with the number of majors and pages,
 * never with the number of instances; a template with Proton-managed pipelines adds one GetService
 * per service of the template, since no operation lists pipelines.
 *
 * @public
 */
export class TemplateUsageService {
  constructor(private readonly clients: ProtonClientFactory) {}

  /**
   * @param arn - a service template or environment template ARN
   * @throws the errors of `callProton` (NotFoundError for an unknown template, ...)
   */
  async getTemplateUsage(arn: ProtonArn): Promise<TemplateUsage> {
    const { client } = await this.clients.getClientForArn(arn);
    const kind =
      arn.resourceType === 'environment-template' ? 'environment' : 'service';
    const context = (operation: string): ProtonCallContext => ({
      operation,
      resource: `${kind} template "${arn.name}"`,
      accountId: arn.accountId,
      region: arn.region,
    });
    // the template, its versions and what runs it are read at once; only environments (listed by
    // major version) and pipelines (none for customer-managed ones) wait for what they need
    const templatePromise = (async () =>
      kind === 'service'
        ? (
            await callProton(context('GetServiceTemplate'), () =>
              client.send(new GetServiceTemplateCommand({ name: arn.name })),
            )
          ).serviceTemplate
        : (
            await callProton(context('GetEnvironmentTemplate'), () =>
              client.send(
                new GetEnvironmentTemplateCommand({ name: arn.name }),
              ),
            )
          ).environmentTemplate)();
    const summariesPromise = listAllTemplateVersions(
      client,
      kind,
      arn.name,
      context,
    );
    const runsPromise =
      kind === 'service'
        ? Promise.all([
            this.listServiceInstances(client, arn.name, context),
            templatePromise.then(found =>
              found &&
              'pipelineProvisioning' in found &&
              found.pipelineProvisioning === 'CUSTOMER_MANAGED'
                ? []
                : this.listPipelines(client, arn.name, context),
            ),
          ]).then(([instances, pipelines]) => [...instances, ...pipelines])
        : summariesPromise.then(found =>
            this.listEnvironments(
              client,
              arn.name,
              [...new Set(found.map(s => s.majorVersion!))],
              context,
            ),
          );
    const [template, summaries, runs] = await Promise.all([
      templatePromise,
      summariesPromise,
      runsPromise,
    ]);
    const byRunVersion = new Map<string, TemplateRun[]>();
    for (const { version, run } of runs) {
      const same = byRunVersion.get(version);
      if (same) same.push(run);
      else byRunVersion.set(version, [run]);
    }
    const versions = summaries
      .map(summary => {
        const version = versionOf(summary.majorVersion, summary.minorVersion);
        return {
          version,
          status: summary.status ?? 'UNKNOWN',
          recommended: version === template?.recommendedVersion,
          description: summary.description,
          runs: byRunVersion.get(version) ?? [],
        };
      })
      .sort((a, b) => byVersion(a.version, b.version));
    const listed = new Set(versions.map(v => v.version));
    return {
      arn: template?.arn ?? '',
      name: arn.name,
      kind,
      recommendedVersion: template?.recommendedVersion,
      versions,
      unlisted: [...byRunVersion]
        .filter(([version]) => !listed.has(version))
        .flatMap(([, unlisted]) => unlisted),
    };
  }

  private async listServiceInstances(
    client: ProtonClient,
    templateName: string,
    context: (operation: string) => ProtonCallContext,
  ): Promise<Array<{ version: string; run: TemplateRun }>> {
    const runs: Array<{ version: string; run: TemplateRun }> = [];
    await callProton(context('ListServiceInstances'), async () => {
      for await (const page of paginateListServiceInstances(
        { client },
        { filters: [{ key: 'templateName', value: templateName }] },
      )) {
        for (const instance of page.serviceInstances ?? []) {
          runs.push({
            version: versionOf(
              instance.templateMajorVersion,
              instance.templateMinorVersion,
            ),
            run: {
              serviceName: instance.serviceName,
              name: instance.name!,
              environmentName: instance.environmentName!,
              deploymentStatus: instance.deploymentStatus!,
              arn: instance.arn!,
              lastDeploymentAttemptedAt:
                instance.lastDeploymentAttemptedAt?.toISOString(),
            },
          });
        }
      }
    });
    return runs;
  }

  /**
   * The pipelines of the template's services: one pass over ListServices (whose summaries name the
   * template), then GetService for each of the template's services, ten at a time (no Proton
   * operation lists pipelines). Templates whose pipelines are customer managed have none to read.
   */
  private async listPipelines(
    client: ProtonClient,
    templateName: string,
    context: (operation: string) => ProtonCallContext,
  ): Promise<Array<{ version: string; run: TemplateRun }>> {
    const names: string[] = [];
    await callProton(context('ListServices'), async () => {
      for await (const page of paginateListServices({ client }, {})) {
        for (const service of page.services ?? []) {
          if (service.templateName === templateName) names.push(service.name!);
        }
      }
    });
    const limit = pLimit(10);
    const pipelines = await Promise.all(
      names.map(name =>
        limit(async () => {
          const { service } = await callProton(context('GetService'), () =>
            client.send(new GetServiceCommand({ name })),
          );
          return service?.pipeline
            ? { serviceName: name, pipeline: service.pipeline }
            : undefined;
        }),
      ),
    );
    return pipelines.flatMap(found =>
      found
        ? [
            {
              version: versionOf(
                found.pipeline.templateMajorVersion,
                found.pipeline.templateMinorVersion,
              ),
              run: {
                serviceName: found.serviceName,
                name: 'pipeline',
                pipeline: true,
                deploymentStatus: found.pipeline.deploymentStatus!,
                arn: found.pipeline.arn!,
                lastDeploymentAttemptedAt:
                  found.pipeline.lastDeploymentAttemptedAt?.toISOString(),
              },
            },
          ]
        : [],
    );
  }

  private async listEnvironments(
    client: ProtonClient,
    templateName: string,
    majors: string[],
    context: (operation: string) => ProtonCallContext,
  ): Promise<Array<{ version: string; run: TemplateRun }>> {
    const runs: Array<{ version: string; run: TemplateRun }> = [];
    if (majors.length === 0) return runs;
    await callProton(context('ListEnvironments'), async () => {
      for await (const page of paginateListEnvironments(
        { client },
        {
          environmentTemplates: majors.map(majorVersion => ({
            templateName,
            majorVersion,
          })),
        },
      )) {
        for (const environment of page.environments ?? []) {
          runs.push({
            version: versionOf(
              environment.templateMajorVersion,
              environment.templateMinorVersion,
            ),
            run: {
              name: environment.name!,
              environmentName: environment.name!,
              deploymentStatus: environment.deploymentStatus!,
              arn: environment.arn!,
              lastDeploymentAttemptedAt:
                environment.lastDeploymentAttemptedAt?.toISOString(),
            },
          });
        }
      }
    });
    return runs;
  }
}
