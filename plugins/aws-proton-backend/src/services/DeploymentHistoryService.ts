import {
  DeploymentSummary,
  GetDeploymentCommand,
  paginateListDeployments,
} from '@aws-sdk/client-proton';
import { NotFoundError } from '@backstage/errors';
import {
  DeploymentLog,
  DeploymentView,
  describeDeploymentStatus,
  formatProtonArn,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
  readDeploymentLog,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';

/** The newest deployments shown; older ones stay in Proton. */
const HISTORY_LENGTH = 50;

/**
 * The deployment history of a service instance, a service's pipeline or an environment, newest first.
 */
export class DeploymentHistoryService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
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
    return deployments
      .map(d => ({
        id: requireField(d.id, 'deployment.id'),
        targetArn: requireField(d.targetArn, 'deployment.targetArn'),
        status: requireField(d.deploymentStatus, 'deployment.deploymentStatus'),
        createdAt: d.createdAt?.toISOString(),
        completedAt: d.completedAt?.toISOString(),
      }))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))
      .slice(0, HISTORY_LENGTH);
  }
}
