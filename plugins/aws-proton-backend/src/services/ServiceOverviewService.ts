import {
  GetServiceCommand,
  GetServiceTemplateCommand,
  paginateListServiceInstances,
  ServiceInstanceSummary,
} from '@aws-sdk/client-proton';
import {
  callProton,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { ProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ServiceInstanceView, ServiceOverview } from './types';

/**
 * Reads what the entity page shows about one Proton service: the service, every instance over all
 * pages, and the template's recommended version next to each instance's version.
 *
 * @public
 */
export class ServiceOverviewService {
  constructor(private readonly clients: ProtonClientFactory) {}

  async getServiceOverview(arn: ProtonArn): Promise<ServiceOverview> {
    const { client } = await this.clients.getClientForArn(arn);
    const where = { accountId: arn.accountId, region: arn.region };
    const resource = `service "${arn.name}"`;

    const { service } = await callProton(
      { operation: 'GetService', resource, ...where },
      () => client.send(new GetServiceCommand({ name: arn.name })),
    );
    if (!service) {
      throw new Error(`AWS Proton returned no service for ${resource}`);
    }

    const instances: ServiceInstanceSummary[] = await callProton(
      { operation: 'ListServiceInstances', resource, ...where },
      async () => {
        const all: ServiceInstanceSummary[] = [];
        for await (const page of paginateListServiceInstances(
          { client, pageSize: 100 },
          { serviceName: arn.name },
        )) {
          all.push(...(page.serviceInstances ?? []));
        }
        return all;
      },
    );

    const templateName = requireField(service.templateName, 'service.templateName');
    const { serviceTemplate } = await callProton(
      {
        operation: 'GetServiceTemplate',
        resource: `service template "${templateName}"`,
        ...where,
      },
      () => client.send(new GetServiceTemplateCommand({ name: templateName })),
    );
    const recommendedVersion = serviceTemplate?.recommendedVersion;

    return {
      arn: requireField(service.arn, 'service.arn'),
      name: requireField(service.name, 'service.name'),
      description: service.description,
      status: requireField(service.status, 'service.status'),
      statusMessage: service.statusMessage,
      templateName,
      recommendedVersion,
      createdAt: service.createdAt?.toISOString(),
      lastModifiedAt: service.lastModifiedAt?.toISOString(),
      instances: instances
        .map(instance => toInstanceView(instance, recommendedVersion))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
}

function compareVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

function toInstanceView(
  instance: ServiceInstanceSummary,
  recommendedVersion: string | undefined,
): ServiceInstanceView {
  const version = `${instance.templateMajorVersion}.${instance.templateMinorVersion}`;
  return {
    name: requireField(instance.name, 'serviceInstance.name'),
    arn: requireField(instance.arn, 'serviceInstance.arn'),
    environmentName: requireField(
      instance.environmentName,
      'serviceInstance.environmentName',
    ),
    deploymentStatus: requireField(
      instance.deploymentStatus,
      'serviceInstance.deploymentStatus',
    ),
    deploymentStatusMessage: instance.deploymentStatusMessage,
    templateVersion: version,
    upgradeAvailable:
      recommendedVersion !== undefined &&
      compareVersions(recommendedVersion, version) > 0,
    lastDeploymentSucceededAt:
      instance.lastDeploymentSucceededAt?.toISOString(),
  };
}
