import {
  GetServiceInstanceCommand,
  ProtonClient,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import {
  ConflictError,
  InputError,
  isError,
  NotFoundError,
} from '@backstage/errors';
import {
  DeploymentTrigger,
  describeDeploymentStatus,
  InstanceDeploymentType,
  InstanceUpdatePlan,
  parseProtonSchema,
  parseProtonSpec,
  previewProtonInputs,
  ProtonArn,
  ProtonResourcesPreview,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  previewServiceInstanceUpdate,
  ProtonCallContext,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { DeploymentTriggerStore } from './DeploymentTriggerStore';
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
    /** Where who started each update is kept, for the deployment history. */
    private readonly triggers?: DeploymentTriggerStore,
  ) {}

  /**
   * Works out what an update would deploy, without changing anything: for an upgrade, the inputs
   * under the target version and (unless `resources` is false) what the control plane's runner says
   * the deployment would do to the resources.
   *
   * @throws ConflictError while the instance is being deployed; InputError when there is no newer
   *   version to upgrade to; the errors of the Proton calls
   */
  async planUpdate(
    service: ProtonArn,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    options: {
      resources?: boolean;
      /**
       * `major.minor` to upgrade to (a campaign's target) instead of the recommended one; it must
       * be newer, within the major version for MINOR_VERSION and of a newer one for MAJOR_VERSION.
       */
      targetVersion?: string;
    } = {},
  ): Promise<InstanceUpdatePlan> {
    const { plan, client } = await this.plan(
      service,
      instanceName,
      deploymentType,
      true,
      options.targetVersion,
    );
    if (
      options.resources === false ||
      plan.targetVersion === plan.currentVersion
    ) {
      return plan;
    }
    const [major, minor] = plan.targetVersion.split('.');
    return {
      ...plan,
      resources: await this.previewResources(client, {
        serviceName: service.name,
        name: instanceName,
        deploymentType,
        templateMajorVersion: major,
        templateMinorVersion: minor,
      }),
    };
  }

  /**
   * What the control plane says the update would do to the resources; a refusal of the update
   * (an input the target version refuses) is what the deployment would meet, and a control plane
   * that cannot answer leaves the resources unknown, never the preview.
   */
  private async previewResources(
    client: ProtonClient,
    request: Parameters<typeof previewServiceInstanceUpdate>[2],
  ): Promise<ProtonResourcesPreview> {
    try {
      return await previewServiceInstanceUpdate(
        client,
        this.clients.settings.endpoint,
        request,
      );
    } catch (error) {
      if (!isError(error)) throw error;
      if (error.name === 'InputError') {
        return { failed: `The update would be refused: ${error.message}` };
      }
      if (error instanceof NotFoundError || error.name === 'ConflictError') {
        throw error;
      }
      return {
        unavailable: `The resources could not be previewed: ${error.message}`,
      };
    }
  }

  /**
   * Redeploys the instance with its spec (CURRENT_VERSION), or upgrades it to the recommended
   * minor (MINOR_VERSION) or major (MAJOR_VERSION) version, keeping its spec. With `trigger`, the
   * deployment's history says who started it.
   *
   * @throws as {@link InstanceUpdateService.planUpdate}
   */
  async updateInstance(
    service: ProtonArn,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    trigger?: DeploymentTrigger,
  ): Promise<InstanceUpdateResult> {
    const { plan, spec, client, context } = await this.plan(
      service,
      instanceName,
      deploymentType,
    );
    const [major, minor] = plan.targetVersion.split('.');
    const { serviceInstance } = await callProton(
      context('UpdateServiceInstance'),
      () =>
        client.send(
          new UpdateServiceInstanceCommand({
            serviceName: service.name,
            name: instanceName,
            deploymentType,
            spec,
            ...(deploymentType === 'CURRENT_VERSION'
              ? {}
              : { templateMajorVersion: major, templateMinorVersion: minor }),
          }),
        ),
    );
    const deploymentId = serviceInstance?.lastAttemptedDeploymentId;
    if (trigger && deploymentId) {
      await this.triggers?.record(deploymentId, trigger);
    }
    await this.cache.invalidate([
      cacheKeys.service(service.accountId, service.region, service.name),
      cacheKeys.environment(
        service.accountId,
        service.region,
        plan.environmentName,
      ),
      cacheKeys.serviceInstanceDeployments(
        service.accountId,
        service.region,
        service.name,
        instanceName,
      ),
      ...(serviceInstance?.templateName
        ? [
            cacheKeys.templateFleet(
              service.accountId,
              service.region,
              'service',
              serviceInstance.templateName,
            ),
          ]
        : []),
    ]);
    return {
      name: instanceName,
      deploymentStatus: serviceInstance?.deploymentStatus ?? 'IN_PROGRESS',
      targetVersion: plan.targetVersion,
    };
  }

  private async plan(
    service: ProtonArn,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    preview = false,
    targetVersion?: string,
  ) {
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

    if (targetVersion !== undefined) {
      target = chosenTarget(
        resource,
        { major, minor },
        deploymentType,
        targetVersion,
      );
    } else if (deploymentType === 'MINOR_VERSION') {
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

    let inputs: InstanceUpdatePlan['inputs'];
    if (preview && (target.major !== major || target.minor !== minor)) {
      inputs = await this.previewInputs(
        client,
        context,
        templateName,
        { major, minor },
        target,
        instanceName,
        instance.spec,
      );
    }
    const plan: InstanceUpdatePlan = {
      name: instanceName,
      templateName,
      environmentName: requireField(
        instance.environmentName,
        'serviceInstance.environmentName',
      ),
      currentVersion: `${major}.${minor}`,
      targetVersion: `${target.major}.${target.minor}`,
      deploymentType,
      inputs,
    };
    return { plan, spec: instance.spec, client, context };
  }

  /**
   * The instance's inputs under the target version: both versions' schemas compared with what the
   * instance's spec sets. Undefined when a schema or the spec cannot be read as Proton's (the upgrade
   * itself then says what is wrong).
   */
  private async previewInputs(
    client: ProtonClient,
    context: (operation: string) => ProtonCallContext,
    templateName: string,
    from: { major: string; minor: string },
    to: { major: string; minor: string },
    instanceName: string,
    specText?: string,
  ): Promise<InstanceUpdatePlan['inputs']> {
    const schemaOf = async (version: { major: string; minor: string }) =>
      (
        await callProton(context('GetServiceTemplateVersion'), () =>
          client.send(
            new GetServiceTemplateVersionCommand({
              templateName,
              majorVersion: version.major,
              minorVersion: version.minor,
            }),
          ),
        )
      ).serviceTemplateVersion?.schema;
    try {
      const [fromSchema, toSchema] = await Promise.all([
        schemaOf(from),
        schemaOf(to),
      ]);
      if (!fromSchema || !toSchema || !specText) return undefined;
      const entry = parseProtonSpec(specText, 'ServiceSpec').instances.find(
        candidate => candidate.name === instanceName,
      );
      return previewProtonInputs(
        (entry?.spec ?? {}) as Record<string, unknown>,
        parseProtonSchema(fromSchema),
        parseProtonSchema(toSchema),
        'service',
      );
    } catch {
      return undefined;
    }
  }
}

/**
 * A given target version, checked against the deployment type as Proton would: MINOR_VERSION moves
 * to a newer minor version of the same major version, MAJOR_VERSION to a newer major version.
 *
 * @throws InputError naming what does not fit
 */
function chosenTarget(
  resource: string,
  current: { major: string; minor: string },
  deploymentType: InstanceDeploymentType,
  targetVersion: string,
): { major: string; minor: string } {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(targetVersion);
  if (!match) {
    throw new InputError(
      `targetVersion must be major.minor, such as 1.2, not "${targetVersion}"`,
    );
  }
  const [, major, minor] = match;
  const fits =
    deploymentType === 'MINOR_VERSION'
      ? major === current.major && Number(minor) > Number(current.minor)
      : deploymentType === 'MAJOR_VERSION' &&
        Number(major) > Number(current.major);
  if (!fits) {
    const expected: Record<InstanceDeploymentType, string> = {
      MINOR_VERSION: 'newer minor version of the same major version',
      MAJOR_VERSION: 'newer major version',
      CURRENT_VERSION: 'version a redeploy (CURRENT_VERSION) keeps',
    };
    throw new InputError(
      `${resource} runs ${current.major}.${current.minor}: ${targetVersion} is not a ${expected[deploymentType]}`,
    );
  }
  return { major, minor };
}
