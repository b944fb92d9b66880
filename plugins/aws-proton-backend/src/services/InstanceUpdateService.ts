import {
  GetServiceInstanceCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { ConflictError, InputError } from '@backstage/errors';
import {
  describeDeploymentStatus,
  InstanceDeploymentType,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';

/** What an update started: the instance and the version it is being deployed with. */
export interface InstanceUpdateResult {
  name: string;
  deploymentStatus: string;
  /** `major.minor` the instance is being deployed with. */
  targetVersion: string;
}

/**
 * Redeploys a service instance or upgrades it to the recommended minor or major version, keeping
 * its spec, and invalidates the cached reads it changes.
 */
export class InstanceUpdateService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
  ) {}

  async updateInstance(
    service: ProtonArn,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
  ): Promise<InstanceUpdateResult> {
    const { client } = await this.clients.getClientForArn(service);
    const resource = `service instance "${service.name}/${instanceName}"`;
    const context = (operation: string): ProtonCallContext => ({
      operation,
      resource,
      accountId: service.accountId,
      region: service.region,
    });

    const instance = requireField(
      (
        await callProton(context('GetServiceInstance'), () =>
          client.send(
            new GetServiceInstanceCommand({
              serviceName: service.name,
              name: instanceName,
            }),
          ),
        )
      ).serviceInstance,
      'serviceInstance',
    );
    if (describeDeploymentStatus(instance.deploymentStatus).inProgress) {
      throw new ConflictError(
        `${resource} is being deployed (${instance.deploymentStatus}); wait for that deployment to end`,
      );
    }
    const templateName = requireField(
      instance.templateName,
      'serviceInstance.templateName',
    );
    const major = requireField(
      instance.templateMajorVersion,
      'serviceInstance.templateMajorVersion',
    );
    const minor = requireField(
      instance.templateMinorVersion,
      'serviceInstance.templateMinorVersion',
    );
    let target = { major, minor };

    if (deploymentType === 'MINOR_VERSION') {
      const { serviceTemplateVersion } = await callProton(
        context('GetServiceTemplateVersion'),
        () =>
          client.send(
            new GetServiceTemplateVersionCommand({
              templateName,
              majorVersion: major,
              minorVersion: minor,
            }),
          ),
      );
      const recommended = serviceTemplateVersion?.recommendedMinorVersion;
      if (!recommended || Number(recommended) <= Number(minor)) {
        throw new InputError(
          `${resource} already runs ${major}.${minor}, the recommended minor version of ${templateName} ${major}`,
        );
      }
      target = { major, minor: recommended };
    } else if (deploymentType === 'MAJOR_VERSION') {
      const { serviceTemplate } = await callProton(
        context('GetServiceTemplate'),
        () =>
          client.send(new GetServiceTemplateCommand({ name: templateName })),
      );
      const [recommendedMajor, recommendedMinor] = (
        serviceTemplate?.recommendedVersion ?? ''
      ).split('.');
      if (!recommendedMajor || Number(recommendedMajor) <= Number(major)) {
        throw new InputError(
          `${resource} runs ${major}.${minor}; ${templateName} has no newer major version to upgrade to`,
        );
      }
      target = { major: recommendedMajor, minor: recommendedMinor };
    }

    const { serviceInstance } = await callProton(
      context('UpdateServiceInstance'),
      () =>
        client.send(
          new UpdateServiceInstanceCommand({
            serviceName: service.name,
            name: instanceName,
            deploymentType,
            spec: instance.spec,
            ...(deploymentType === 'CURRENT_VERSION'
              ? {}
              : {
                  templateMajorVersion: target.major,
                  templateMinorVersion: target.minor,
                }),
          }),
        ),
    );

    const environmentName = requireField(
      instance.environmentName,
      'serviceInstance.environmentName',
    );
    await this.cache.invalidate([
      cacheKeys.service(service.accountId, service.region, service.name),
      cacheKeys.environment(service.accountId, service.region, environmentName),
      cacheKeys.serviceInstanceDeployments(
        service.accountId,
        service.region,
        service.name,
        instanceName,
      ),
    ]);
    return {
      name: instanceName,
      deploymentStatus: serviceInstance?.deploymentStatus ?? 'IN_PROGRESS',
      targetVersion: `${target.major}.${target.minor}`,
    };
  }
}
