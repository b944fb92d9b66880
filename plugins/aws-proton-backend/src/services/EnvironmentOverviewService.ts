import {
  GetEnvironmentCommand,
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  ListEnvironmentOutputsCommand,
  paginateListServiceInstances,
  ServiceInstanceSummary,
} from '@aws-sdk/client-proton';
import {
  describeDeploymentStatus,
  describeTemplateVersionStanding,
  EnvironmentOverview,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';
import { listOutputs } from './ServiceOverviewService';

/**
 * Reads what the environment's entity page shows: the environment, its outputs, its template version
 * against the recommended ones, and the service instances deployed into it.
 */
export class EnvironmentOverviewService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
  ) {}

  async getEnvironmentOverview(arn: ProtonArn): Promise<EnvironmentOverview> {
    return this.cache.read(
      cacheKeys.environment(arn.accountId, arn.region, arn.name),
      () => this.load(arn),
      overview => overview.inProgress,
    );
  }

  private async load(arn: ProtonArn): Promise<EnvironmentOverview> {
    const { client } = await this.clients.getClientForArn(arn);
    const context = (
      operation: string,
      resource: string,
    ): ProtonCallContext => ({
      operation,
      resource,
      accountId: arn.accountId,
      region: arn.region,
    });
    const resource = `environment "${arn.name}"`;

    const [environment, outputs, instances] = await Promise.all([
      callProton(context('GetEnvironment', resource), () =>
        client.send(new GetEnvironmentCommand({ name: arn.name })),
      ).then(r => requireField(r.environment, 'environment')),
      callProton(context('ListEnvironmentOutputs', resource), () =>
        listOutputs(nextToken =>
          client.send(
            new ListEnvironmentOutputsCommand({
              environmentName: arn.name,
              nextToken,
            }),
          ),
        ),
      ),
      callProton(context('ListServiceInstances', resource), async () => {
        const all: ServiceInstanceSummary[] = [];
        for await (const page of paginateListServiceInstances(
          { client, pageSize: 100 },
          { filters: [{ key: 'environmentName', value: arn.name }] },
        )) {
          all.push(...(page.serviceInstances ?? []));
        }
        return all;
      }),
    ]);
    const templateName = requireField(
      environment.templateName,
      'environment.templateName',
    );
    const major = requireField(
      environment.templateMajorVersion,
      'environment.templateMajorVersion',
    );
    const minor = requireField(
      environment.templateMinorVersion,
      'environment.templateMinorVersion',
    );
    const templateResource = `environment template "${templateName}"`;
    const [template, version] = await Promise.all([
      callProton(context('GetEnvironmentTemplate', templateResource), () =>
        client.send(new GetEnvironmentTemplateCommand({ name: templateName })),
      ),
      callProton(
        context(
          'GetEnvironmentTemplateVersion',
          `${templateResource} version ${major}.${minor}`,
        ),
        () =>
          client.send(
            new GetEnvironmentTemplateVersionCommand({
              templateName,
              majorVersion: major,
              minorVersion: minor,
            }),
          ),
      ),
    ]);

    const deploymentStatus = requireField(
      environment.deploymentStatus,
      'environment.deploymentStatus',
    );
    return {
      arn: requireField(environment.arn, 'environment.arn'),
      name: requireField(environment.name, 'environment.name'),
      description: environment.description,
      deploymentStatus,
      deploymentStatusMessage: environment.deploymentStatusMessage,
      templateName,
      template: describeTemplateVersionStanding(
        `${major}.${minor}`,
        template.environmentTemplate?.recommendedVersion,
        version.environmentTemplateVersion?.recommendedMinorVersion,
      ),
      customerManaged:
        template.environmentTemplate?.provisioning === 'CUSTOMER_MANAGED',
      lastDeploymentSucceededAt:
        environment.lastDeploymentSucceededAt?.toISOString(),
      outputs,
      serviceInstances: instances
        .map(instance => ({
          serviceName: requireField(
            instance.serviceName,
            'serviceInstance.serviceName',
          ),
          name: requireField(instance.name, 'serviceInstance.name'),
          deploymentStatus: requireField(
            instance.deploymentStatus,
            'serviceInstance.deploymentStatus',
          ),
          templateName: requireField(
            instance.templateName,
            'serviceInstance.templateName',
          ),
          templateVersion: `${instance.templateMajorVersion}.${instance.templateMinorVersion}`,
        }))
        .sort((a, b) =>
          `${a.serviceName}/${a.name}`.localeCompare(
            `${b.serviceName}/${b.name}`,
          ),
        ),
      inProgress: describeDeploymentStatus(deploymentStatus).inProgress,
    };
  }
}
