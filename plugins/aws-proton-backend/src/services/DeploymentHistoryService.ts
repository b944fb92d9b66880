import {
  Deployment,
  DeploymentSummary,
  GetDeploymentCommand,
  GetServiceInstanceSyncStatusCommand,
  GetServiceSyncConfigCommand,
  paginateListDeployments,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { NotFoundError } from '@backstage/errors';
import {
  DeploymentChange,
  DeploymentLog,
  DeploymentTrigger,
  DeploymentView,
  describeDeploymentStatus,
  formatProtonArn,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
  ProtonTarget,
  readDeploymentLog,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import pLimit from 'p-limit';
import { DeploymentTriggerStore } from './DeploymentTriggerStore';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';

/** The newest deployments shown; older ones stay in Proton. */
const HISTORY_LENGTH = 50;

/** How many deployments are read at once (GetDeployment) for their versions. */
const DETAIL_CONCURRENCY = 10;

/** The deployed resource's part of a deployment state, whatever its kind. */
type ResourceState = {
  spec?: string;
  templateMajorVersion?: string;
  templateMinorVersion?: string;
};

function resourceState(state: unknown): ResourceState | undefined {
  const of = state as Record<string, ResourceState | undefined> | undefined;
  return (
    of?.serviceInstance ??
    of?.environment ??
    of?.servicePipeline ??
    of?.component
  );
}

/**
 * What a deployment changed, from its initial and target states: see {@link DeploymentChange}.
 * A component's states have no version: its inputs alone tell an update from a redeploy. Undefined
 * when the deployment has no target state.
 */
export function deploymentChange(
  deployment: Pick<
    Deployment,
    'deploymentStatus' | 'initialState' | 'targetState'
  >,
): DeploymentChange | undefined {
  if (deployment.deploymentStatus?.startsWith('DELETE')) return 'DELETE';
  const target = resourceState(deployment.targetState);
  const initial = resourceState(deployment.initialState);
  if (!target) return undefined;
  if (!initial) return 'CREATE';
  if (target.templateMajorVersion && initial.templateMajorVersion) {
    const [fromMajor, fromMinor] = [
      Number(initial.templateMajorVersion),
      Number(initial.templateMinorVersion),
    ];
    const [toMajor, toMinor] = [
      Number(target.templateMajorVersion),
      Number(target.templateMinorVersion),
    ];
    if (toMajor > fromMajor) return 'MAJOR_VERSION';
    if (toMajor === fromMajor && toMinor > fromMinor) return 'MINOR_VERSION';
    if (toMajor !== fromMajor || toMinor !== fromMinor) return 'UPDATE';
  }
  return (initial.spec ?? '') === (target.spec ?? '') ? 'REDEPLOY' : 'UPDATE';
}

/**
 * The deployment history of a service instance, a service's pipeline or an environment, newest first.
 */
export class DeploymentHistoryService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
    /** Who started the deployments this Backstage started. */
    private readonly triggers?: DeploymentTriggerStore,
  ) {}

  async listServiceInstanceDeployments(
    service: ProtonArn,
    instanceName: string,
  ): Promise<DeploymentView[]> {
    return this.cache.read(
      cacheKeys.serviceInstanceDeployments(
        service.accountId,
        service.region,
        service.name,
        instanceName,
      ),
      () =>
        this.list(
          service,
          `service instance "${service.name}/${instanceName}"`,
          {
            serviceName: service.name,
            serviceInstanceName: instanceName,
          },
        ),
      views =>
        views.some(
          v => v.status === 'IN_PROGRESS' || v.status === 'CANCELLING',
        ),
    );
  }

  /** The deployments of the service's pipeline, newest first (ListDeployments of the service, pipeline only). */
  async listServicePipelineDeployments(
    service: ProtonArn,
  ): Promise<DeploymentView[]> {
    return this.cache.read(
      cacheKeys.servicePipelineDeployments(
        service.accountId,
        service.region,
        service.name,
      ),
      () =>
        this.list(
          service,
          `pipeline of the service "${service.name}"`,
          { serviceName: service.name },
          'SERVICE_PIPELINE',
        ),
      views =>
        views.some(
          v => v.status === 'IN_PROGRESS' || v.status === 'CANCELLING',
        ),
    );
  }

  /** The environment's own deployments, newest first (not those of the instances deployed into it). */
  async listEnvironmentDeployments(
    environment: ProtonArn,
  ): Promise<DeploymentView[]> {
    return this.cache.read(
      cacheKeys.environmentDeployments(
        environment.accountId,
        environment.region,
        environment.name,
      ),
      () =>
        // ListDeployments of an environment also lists its service instances' deployments
        this.list(
          environment,
          `environment "${environment.name}"`,
          { environmentName: environment.name },
          'ENVIRONMENT',
        ),
      views =>
        views.some(
          v => v.status === 'IN_PROGRESS' || v.status === 'CANCELLING',
        ),
    );
  }

  /**
   * Deployments by ID in an account and Region (GetDeployment, a few at a time), as Proton has them:
   * for the checks made before recording who started them.
   *
   * @throws NotFoundError naming a deployment Proton does not have there; the errors of the Proton
   *   calls
   */
  async readDeployments(
    target: ProtonTarget,
    ids: string[],
  ): Promise<Deployment[]> {
    const client = await this.clients.getClient(target);
    const limit = pLimit(DETAIL_CONCURRENCY);
    return Promise.all(
      ids.map(id =>
        limit(async () => {
          const { deployment } = await callProton(
            {
              operation: 'GetDeployment',
              resource: `deployment ${id}`,
              ...target,
            },
            () => client.send(new GetDeploymentCommand({ id })),
          );
          return requireField(deployment, 'deployment');
        }),
      ),
    );
  }

  /**
   * The log of one deployment of a service (its instances and pipeline) or of an environment: the
   * deployment is read first (GetDeployment), and refused unless it deploys that service or
   * environment, so that an entity's readers see its deployments' logs and no others.
   *
   * @param owner - the ARN of the service or environment the caller may read
   * @throws NotFoundError when the deployment does not exist, belongs to another resource, or (once
   *   ended) has no log; NotAllowedError and ServiceUnavailableError as the Proton calls fail
   */
  async readLog(
    owner: ProtonArn,
    deploymentId: string,
  ): Promise<DeploymentLog> {
    const { client } = await this.clients.getClientForArn(owner);
    const ownerArn = formatProtonArn(owner);
    const what = `${owner.resourceType} "${owner.name}"`;
    const context = {
      operation: 'GetDeployment',
      resource: `deployment ${deploymentId} of the ${what}`,
      accountId: owner.accountId,
      region: owner.region,
    };
    const { deployment } = await callProton(context, () =>
      client.send(new GetDeploymentCommand({ id: deploymentId })),
    );
    const target = deployment?.targetArn ?? '';
    // a service's instances and pipeline are below its ARN; a component attached to one of its
    // instances (listed in that instance's history) names the service
    const belongs =
      owner.resourceType === 'service'
        ? target.startsWith(`${ownerArn}/`) ||
          (deployment?.targetResourceType === 'COMPONENT' &&
            deployment?.serviceName === owner.name)
        : target === ownerArn;
    if (!deployment || !belongs) {
      throw new NotFoundError(
        `The deployment ${deploymentId} is not a deployment of the ${what}`,
      );
    }
    const status = requireField(
      deployment.deploymentStatus,
      'deployment.deploymentStatus',
    );
    const { inProgress } = describeDeploymentStatus(status);
    const { endpoint, requestTimeoutMs } = this.clients.settings;
    try {
      const log = await readDeploymentLog(
        client,
        endpoint,
        deploymentId,
        requestTimeoutMs,
      );
      return { deploymentId, status, inProgress, ...log };
    } catch (error) {
      // a deployment that has not started its runner yet has no log so far
      if (inProgress && endpoint && error instanceof NotFoundError) {
        return { deploymentId, status, inProgress, text: '', truncated: false };
      }
      throw error;
    }
  }

  private async list(
    arn: ProtonArn,
    resource: string,
    filter: {
      serviceName?: string;
      serviceInstanceName?: string;
      environmentName?: string;
    },
    targetResourceType?: string,
  ): Promise<DeploymentView[]> {
    const { client } = await this.clients.getClientForArn(arn);
    const deployments = await callProton(
      {
        operation: 'ListDeployments',
        resource,
        accountId: arn.accountId,
        region: arn.region,
      },
      async () => {
        const all: DeploymentSummary[] = [];
        for await (const page of paginateListDeployments(
          { client, pageSize: HISTORY_LENGTH },
          filter,
        )) {
          all.push(
            ...(page.deployments ?? []).filter(
              d =>
                !targetResourceType ||
                d.targetResourceType === targetResourceType,
            ),
          );
          if (all.length >= HISTORY_LENGTH) break;
        }
        return all;
      },
    );
    const newest = deployments
      .map(d => ({
        id: requireField(d.id, 'deployment.id'),
        targetArn: requireField(d.targetArn, 'deployment.targetArn'),
        status: requireField(d.deploymentStatus, 'deployment.deploymentStatus'),
        createdAt: d.createdAt?.toISOString(),
        completedAt: d.completedAt?.toISOString(),
      }))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))
      .slice(0, HISTORY_LENGTH);
    const ids = newest.map(d => d.id);
    const [details, recorded, synced] = await Promise.all([
      this.details(client, arn, ids),
      this.triggers?.find(ids),
      filter.serviceName && filter.serviceInstanceName
        ? this.syncTriggers(
            client,
            filter.serviceName,
            filter.serviceInstanceName,
            ids,
          )
        : undefined,
    ]);
    const triggers = new Map(recorded);
    for (const [id, trigger] of synced ?? []) {
      if (triggers.has(id)) continue;
      triggers.set(id, trigger);
      // the sync status names only the latest attempts: kept here, older ones stay named
      await this.triggers?.record(id, trigger);
    }
    return newest.map(view => {
      const detail = details.get(view.id);
      const target = resourceState(detail?.targetState);
      return {
        ...view,
        templateVersion: target?.templateMajorVersion
          ? `${target.templateMajorVersion}.${target.templateMinorVersion}`
          : undefined,
        change: detail ? deploymentChange(detail) : undefined,
        trigger: triggers.get(view.id),
      };
    });
  }

  /**
   * Which of `ids` service sync started: the deployments its latest and latest successful attempts
   * for the instance name (GetServiceInstanceSyncStatus; a sync event's `externalId` is the
   * deployment it started), as `sync` triggers naming the repository, branch and commit. None when
   * the service has no sync configuration, or its sync status cannot be read: the history shows
   * without them rather than not at all.
   */
  private async syncTriggers(
    client: ProtonClient,
    serviceName: string,
    serviceInstanceName: string,
    ids: string[],
  ): Promise<Map<string, DeploymentTrigger>> {
    const found = new Map<string, DeploymentTrigger>();
    if (ids.length === 0) return found;
    try {
      const { serviceSyncConfig } = await client.send(
        new GetServiceSyncConfigCommand({ serviceName }),
      );
      if (!serviceSyncConfig) return found;
      const status = await client.send(
        new GetServiceInstanceSyncStatusCommand({
          serviceName,
          serviceInstanceName,
        }),
      );
      for (const attempt of [status.latestSync, status.latestSuccessfulSync]) {
        const revision = attempt?.targetRevision;
        // the revision the attempt deployed names it; the configuration may have changed since
        if (!revision?.repositoryName || !revision.branch) continue;
        const commit = revision.sha ? ` ${revision.sha.slice(0, 7)}` : '';
        for (const event of attempt?.events ?? []) {
          if (!event.externalId || !ids.includes(event.externalId)) continue;
          found.set(event.externalId, {
            kind: 'sync',
            name: `${revision.repositoryName}@${revision.branch}${commit}`,
          });
        }
      }
    } catch {
      // no sync configuration (ResourceNotFoundException), or no permission to read it
    }
    return found;
  }

  /**
   * Each deployment's initial and target states (GetDeployment, a few at a time). A deployment
   * that cannot be read (deleted meanwhile, an outage) is left without them.
   */
  private async details(
    client: ProtonClient,
    arn: ProtonArn,
    ids: string[],
  ): Promise<Map<string, Deployment>> {
    const limit = pLimit(DETAIL_CONCURRENCY);
    const found = new Map<string, Deployment>();
    await Promise.all(
      ids.map(id =>
        limit(async () => {
          const { deployment } = await callProton(
            {
              operation: 'GetDeployment',
              resource: `deployment ${id}`,
              accountId: arn.accountId,
              region: arn.region,
            },
            () => client.send(new GetDeploymentCommand({ id })),
          ).catch(() => ({ deployment: undefined }));
          if (deployment) found.set(id, deployment);
        }),
      ),
    );
    return found;
  }
}
