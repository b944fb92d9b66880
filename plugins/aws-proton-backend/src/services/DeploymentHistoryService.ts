import {
  DeploymentSummary,
  paginateListDeployments,
} from '@aws-sdk/client-proton';
import {
  DeploymentView,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
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
        this.list(environment, `environment "${environment.name}"`, {
          environmentName: environment.name,
        }),
      views =>
        views.some(
          v => v.status === 'IN_PROGRESS' || v.status === 'CANCELLING',
        ),
    );
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
