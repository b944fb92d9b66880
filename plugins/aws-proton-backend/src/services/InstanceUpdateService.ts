import {
  GetServiceInstanceCommand,
  ProtonClient,
  ServiceInstance,
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
  buildServiceSpec,
  formatSpecErrors,
  ServiceInstanceInputsView,
  validateServiceInstanceSpec,
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
   * The instance's inputs as its spec sets them, with the `schema.yaml` of the version it runs:
   * what a form to edit them needs.
   *
   * @throws NotFoundError when the service or instance does not exist; the errors of the Proton calls
   */
  async getInputs(
    service: ProtonArn,
    instanceName: string,
  ): Promise<ServiceInstanceInputsView> {
    const { client, context, instance, templateName, major, minor } =
      await this.readInstance(service, instanceName);
    const schema = await this.readSchema(client, context, templateName, {
      major,
      minor,
    });
    return {
      name: instanceName,
      environmentName: requireField(
        instance.environmentName,
        'serviceInstance.environmentName',
      ),
      templateName,
      templateVersion: `${major}.${minor}`,
      schema,
      inputs: instanceEntry(instance.spec, instanceName)?.spec ?? {},
    };
  }

  /**
   * Deploys the instance again with the version it runs (CURRENT_VERSION) and new inputs: the spec
   * sent is the instance's own (a service spec), with its entry's inputs replaced by `inputs`; the
   * service's spec is not changed (as with AWS Proton's UpdateServiceInstance). The inputs
   * are checked against the version's schema first, with the same rules as the scaffolder action,
   * so that a refusal names every input that is wrong and nothing is deployed.
   *
   * @throws InputError when `inputs` is not a mapping or does not validate (every problem named);
   *   ConflictError while the instance is being deployed; the errors of the Proton calls
   */
  async updateInputs(
    service: ProtonArn,
    instanceName: string,
    inputs: unknown,
    trigger?: DeploymentTrigger,
  ): Promise<InstanceUpdateResult> {
    if (
      typeof inputs !== 'object' ||
      inputs === null ||
      Array.isArray(inputs)
    ) {
      throw new InputError('inputs must be a mapping of input names to values');
    }
    const { client, context, instance, templateName, major, minor, resource } =
      await this.readInstance(service, instanceName);
    this.requireIdle(resource, instance.deploymentStatus);
    const schema = parseProtonSchema(
      await this.readSchema(client, context, templateName, { major, minor }),
    );
    const { errors } = validateServiceInstanceSpec(
      schema,
      inputs as Record<string, unknown>,
    );
    if (errors.length > 0) {
      throw new InputError(
        formatSpecErrors(
          errors,
          `the inputs of ${resource} for ${templateName} ${major}.${minor}`,
        ),
      );
    }
    const current = parseProtonSpec(instance.spec ?? '', 'ServiceSpec');
    if (!current.instances.some(entry => entry.name === instanceName)) {
      throw new InputError(
        `The spec of service ${service.name} has no entry for ${resource}`,
      );
    }
    const spec = buildServiceSpec({
      pipeline: current.pipeline,
      instances: current.instances.map(entry => ({
        name: entry.name,
        environment: entry.environment,
        inputs:
          entry.name === instanceName
            ? (inputs as Record<string, unknown>)
            : entry.spec,
      })),
    });
    const { serviceInstance } = await callProton(
      context('UpdateServiceInstance'),
      () =>
        client.send(
          new UpdateServiceInstanceCommand({
            serviceName: service.name,
            name: instanceName,
            deploymentType: 'CURRENT_VERSION',
            spec,
          }),
        ),
    );
    return this.started(
      service,
      instanceName,
      `${major}.${minor}`,
      requireField(instance.environmentName, 'serviceInstance.environmentName'),
      serviceInstance,
      trigger,
    );
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
    return this.started(
      service,
      instanceName,
      plan.targetVersion,
      plan.environmentName,
      serviceInstance,
      trigger,
    );
  }

  /** Records who started a deployment, and drops the cached reads it changes. */
  private async started(
    service: ProtonArn,
    instanceName: string,
    targetVersion: string,
    environmentName: string,
    serviceInstance: ServiceInstance | undefined,
    trigger?: DeploymentTrigger,
  ): Promise<InstanceUpdateResult> {
    const deploymentId = serviceInstance?.lastAttemptedDeploymentId;
    if (trigger && deploymentId) {
      await this.triggers?.record(deploymentId, trigger);
    }
    await this.cache.invalidate([
      cacheKeys.service(service.accountId, service.region, service.name),
      cacheKeys.environment(service.accountId, service.region, environmentName),
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
      targetVersion,
    };
  }

  /** The instance as GetServiceInstance returns it, with what every update needs of it. */
  private async readInstance(service: ProtonArn, instanceName: string) {
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
    return {
      client,
      context,
      resource,
      instance,
      templateName: requireField(
        instance.templateName,
        'serviceInstance.templateName',
      ),
      major: requireField(
        instance.templateMajorVersion,
        'serviceInstance.templateMajorVersion',
      ),
      minor: requireField(
        instance.templateMinorVersion,
        'serviceInstance.templateMinorVersion',
      ),
    };
  }

  /** @throws ConflictError while the instance is being deployed */
  private requireIdle(resource: string, deploymentStatus?: string) {
    if (describeDeploymentStatus(deploymentStatus).inProgress) {
      throw new ConflictError(
        `${resource} is being deployed (${deploymentStatus}); wait for that deployment to end`,
      );
    }
  }

  /** The `schema.yaml` text of a version of the template. */
  private async readSchema(
    client: ProtonClient,
    context: (operation: string) => ProtonCallContext,
    templateName: string,
    version: { major: string; minor: string },
  ): Promise<string> {
    const { serviceTemplateVersion } = await callProton(
      context('GetServiceTemplateVersion'),
      () =>
        client.send(
          new GetServiceTemplateVersionCommand({
            templateName,
            majorVersion: version.major,
            minorVersion: version.minor,
          }),
        ),
    );
    return requireField(
      serviceTemplateVersion?.schema,
      'serviceTemplateVersion.schema',
    );
  }

  private async plan(
    service: ProtonArn,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    preview = false,
    targetVersion?: string,
  ) {
    const { client, context, instance, templateName, major, minor, resource } =
      await this.readInstance(service, instanceName);
    this.requireIdle(resource, instance.deploymentStatus);
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
    const schemaOf = (version: { major: string; minor: string }) =>
      this.readSchema(client, context, templateName, version);
    try {
      const [fromSchema, toSchema] = await Promise.all([
        schemaOf(from),
        schemaOf(to),
      ]);
      if (!specText) return undefined;
      const entry = instanceEntry(specText, instanceName);
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

/** The instance's entry of a service spec; undefined when the spec has none (or none at all). */
function instanceEntry(specText: string | undefined, instanceName: string) {
  if (!specText) return undefined;
  return parseProtonSpec(specText, 'ServiceSpec').instances.find(
    candidate => candidate.name === instanceName,
  );
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
