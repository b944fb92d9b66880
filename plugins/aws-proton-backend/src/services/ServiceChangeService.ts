import {
  CreateServiceInstanceCommand,
  DeleteServiceCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  paginateListServiceInstances,
  ProtonClient,
  ServiceInstanceSummary,
  UpdateServiceCommand,
} from '@aws-sdk/client-proton';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import {
  AWS_PROTON_EVENTS_TOPIC,
  buildServiceSpec,
  DeploymentTrigger,
  describeDeploymentStatus,
  formatProtonArn,
  formatSpecErrors,
  isProtonResourceName,
  parseProtonSchema,
  parseProtonSpec,
  ProtonArn,
  ProtonResourceChangedEvent,
  ServiceInstanceSpecInput,
  validateServiceInstanceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import pLimit from 'p-limit';
import { DeploymentTriggerStore } from './DeploymentTriggerStore';
import { InstanceUpdateResult } from './InstanceUpdateService';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';

/** What adding a service instance needs: its name, its environment and its inputs. */
export interface NewServiceInstance {
  /** The instance's name, unique in the service: a Proton name (1 to 100 letters, digits, `-`, `_`). */
  name: string;
  /** The name of the environment to deploy it into. */
  environment: string;
  /** Its inputs, input names to values, valid under the version it is created with. */
  inputs: Record<string, unknown>;
  /**
   * `major.minor` to create it with, a published version (the one a form showed); the template's
   * recommended version when absent.
   */
  templateVersion?: string;
}

/**
 * Changes which instances a service has, from its entity page: adds an instance in another
 * environment (CreateServiceInstance), removes one (UpdateService with a spec without it, as Proton
 * removes instances), or deletes the whole service (DeleteService), then tells the catalog.
 */
export class ServiceChangeService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
    private readonly options: {
      /** Tells the catalog's Proton provider of a deleted service at once. */
      events?: EventsService;
      logger: LoggerService;
      /** Where who started each deployment is kept, for the deployment history. */
      triggers?: DeploymentTriggerStore;
    },
  ) {}

  /**
   * Adds an instance to the service, on the given published version or else its template's
   * recommended version (as CreateServiceInstance does without a version), after checking its name and its inputs against that version's schema with the
   * scaffolder's rules. Proton checks the environment (it must exist and suit the template).
   *
   * @throws InputError when the name, environment, version or inputs are not valid (every input
   *   problem named); ConflictError when the name is taken; the errors of the Proton calls
   */
  async addInstance(
    service: ProtonArn,
    instance: NewServiceInstance,
    trigger?: DeploymentTrigger,
  ): Promise<InstanceUpdateResult> {
    checkNewInstance(instance);
    const { client, context, current, resource } = await this.read(service);
    const templateName = current.templateName;
    if (!templateName) {
      throw new InputError(`${resource} names no service template`);
    }
    let version = instance.templateVersion;
    if (version === undefined) {
      // Proton's default for CreateServiceInstance: the template's recommended version
      const { serviceTemplate } = await callProton(
        context('GetServiceTemplate'),
        () =>
          client.send(new GetServiceTemplateCommand({ name: templateName })),
      );
      version = serviceTemplate?.recommendedVersion;
      if (!version) {
        throw new InputError(
          `${templateName} has no published version to deploy a new instance with`,
        );
      }
    }
    const [major, minor] = version.split('.');
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
    if (serviceTemplateVersion?.status !== 'PUBLISHED') {
      throw new InputError(
        `${templateName} ${version} is not published (${
          serviceTemplateVersion?.status ?? 'unknown'
        }): a new instance needs a published version`,
      );
    }
    const schemaText = serviceTemplateVersion.schema;
    const { errors } = validateServiceInstanceSpec(
      parseProtonSchema(
        requireField(schemaText, 'serviceTemplateVersion.schema'),
      ),
      instance.inputs,
    );
    if (errors.length > 0) {
      throw new InputError(
        formatSpecErrors(
          errors,
          `the inputs of the new instance ${instance.name} for ${templateName} ${major}.${minor}`,
        ),
      );
    }
    const { serviceInstance } = await callProton(
      context('CreateServiceInstance'),
      () =>
        client.send(
          new CreateServiceInstanceCommand({
            serviceName: service.name,
            name: instance.name,
            templateMajorVersion: major,
            templateMinorVersion: minor,
            spec: buildServiceSpec({
              instances: [
                {
                  name: instance.name,
                  environment: instance.environment,
                  inputs: instance.inputs,
                },
              ],
            }),
          }),
        ),
    );
    const deploymentId = serviceInstance?.lastAttemptedDeploymentId;
    if (trigger && deploymentId) {
      await this.options.triggers?.record(deploymentId, trigger);
    }
    await this.forget(service, templateName, instance.environment);
    this.options.logger.info(`Added ${resource}/${instance.name}`);
    return {
      name: instance.name,
      deploymentStatus: serviceInstance?.deploymentStatus ?? 'IN_PROGRESS',
      targetVersion: `${major}.${minor}`,
    };
  }

  /**
   * Removes one instance, as Proton does: UpdateService with a spec of the service's other
   * instances, each with its inputs from its own spec (an instance's inputs change with
   * UpdateServiceInstance, which leaves the service's spec as it was), and the pipeline with its own;
   * the removed instance's resources are deprovisioned.
   *
   * @param trigger - who removes it: recorded as who started the deprovisioning
   * @throws NotFoundError when the service has no such instance; InputError when it is the
   *   service's last instance (Proton keeps at least one: delete the service instead); ConflictError
   *   while any of its instances is being deployed, or when instances were added or removed
   *   meanwhile; the errors of the Proton calls
   */
  async deleteInstance(
    service: ProtonArn,
    instanceName: string,
    trigger?: DeploymentTrigger,
  ): Promise<void> {
    const { client, context, current, resource } = await this.read(service);
    const listed = await this.listInstances(client, service.name);
    const removed = listed.find(i => i.name === instanceName);
    if (!removed) {
      throw new NotFoundError(`${resource} has no instance ${instanceName}`);
    }
    if (listed.length === 1) {
      throw new InputError(
        `${instanceName} is the last instance of ${resource}: delete the service instead`,
      );
    }
    const busy = listed.find(
      i => describeDeploymentStatus(i.deploymentStatus).inProgress,
    );
    if (busy) {
      throw new ConflictError(
        `The instance ${busy.name} of ${resource} is being deployed (${busy.deploymentStatus}); wait for that deployment to end`,
      );
    }
    const kept: ServiceInstanceSpecInput[] = [];
    for (const instance of listed) {
      if (instance.name === instanceName) continue;
      const name = requireField(instance.name, 'serviceInstance.name');
      const { serviceInstance } = await callProton(
        context('GetServiceInstance'),
        () =>
          client.send(
            new GetServiceInstanceCommand({ serviceName: service.name, name }),
          ),
      );
      const entry = serviceInstance?.spec
        ? parseProtonSpec(serviceInstance.spec, 'ServiceSpec').instances.find(
            i => i.name === name,
          )
        : undefined;
      if (!entry) {
        throw new ConflictError(
          `The spec of the instance ${name} of ${resource} has no entry for it, so it cannot be kept as it is; nothing was removed`,
        );
      }
      kept.push({
        name,
        environment: entry.environment,
        inputs: entry.spec ?? {},
      });
    }
    const pipelineSpec = current.pipeline?.spec ?? current.spec;
    const pipeline = pipelineSpec
      ? parseProtonSpec(pipelineSpec, 'ServiceSpec').pipeline
      : undefined;
    // an instance added or removed while these were read would be lost or brought back
    const again = await this.listInstances(client, service.name);
    const names = (list: ServiceInstanceSummary[]) =>
      list
        .map(i => i.name)
        .sort()
        .join(',');
    if (names(again) !== names(listed)) {
      throw new ConflictError(
        `The instances of ${resource} changed while the removal was prepared; nothing was removed, try again`,
      );
    }
    await callProton(context('UpdateService'), () =>
      client.send(
        new UpdateServiceCommand({
          name: service.name,
          spec: buildServiceSpec({ pipeline, instances: kept }),
        }),
      ),
    );
    await this.recordDeletions(client, service, [removed], trigger);
    await this.forget(
      service,
      current.templateName,
      requireField(removed.environmentName, 'serviceInstance.environmentName'),
    );
    this.options.logger.info(
      `Removed the instance ${instanceName} of ${resource}`,
    );
  }

  /**
   * Deletes the service with its instances and pipeline (DeleteService; their resources are
   * deprovisioned), and tells the catalog's Proton provider, which removes the entity it made of it.
   *
   * @param trigger - who deletes it: recorded as who started each deprovisioning
   * @throws the errors of the Proton calls (ConflictError while a deployment runs)
   */
  async deleteService(
    service: ProtonArn,
    trigger?: DeploymentTrigger,
  ): Promise<void> {
    const { client, context, current, resource } = await this.read(service);
    const instances = await this.listInstances(client, service.name);
    const environments = instances.map(i => i.environmentName ?? '');
    await callProton(context('DeleteService'), () =>
      client.send(new DeleteServiceCommand({ name: service.name })),
    );
    await this.recordDeletions(client, service, instances, trigger, {
      before: current.pipeline?.lastAttemptedDeploymentId,
      exists: Boolean(current.pipeline),
    });
    await this.forget(service, current.templateName, ...environments);
    this.options.logger.info(`Deleted ${resource}`);
    const event: ProtonResourceChangedEvent = {
      action: 'deleted',
      arn: formatProtonArn(service),
    };
    try {
      await this.options.events?.publish({
        topic: AWS_PROTON_EVENTS_TOPIC,
        eventPayload: event,
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not announce the deletion of ${
          event.arn
        }; the catalog will see it at its next read: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * Records `trigger` as who started the deprovisioning of `instances` (and of the pipeline, when
   * the service has one): each one's last attempted deployment, read again (a few at a time), when
   * it is not the one it had before the deletion. A resource already gone, or whose deprovisioning
   * Proton does not show yet, has nothing to record; a read that fails only loses who started that
   * one (logged), never the deletion. Their histories are read afresh next time.
   */
  private async recordDeletions(
    client: ProtonClient,
    service: ProtonArn,
    instances: ServiceInstanceSummary[],
    trigger: DeploymentTrigger | undefined,
    pipeline?: { before?: string; exists: boolean },
  ): Promise<void> {
    const { accountId, region, name: serviceName } = service;
    await this.cache.invalidate([
      ...instances.map(i =>
        cacheKeys.serviceInstanceDeployments(
          accountId,
          region,
          serviceName,
          i.name ?? '',
        ),
      ),
      cacheKeys.servicePipelineDeployments(accountId, region, serviceName),
    ]);
    if (!trigger) return;
    const limit = pLimit(10);
    const lastDeployment = async (
      what: string,
      read: () => Promise<string | undefined>,
      before: string | undefined,
    ) => {
      try {
        const id = await read();
        if (id && id !== before)
          await this.options.triggers?.record(id, trigger);
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return;
        this.options.logger.warn(
          `Who started the deprovisioning of ${what} was not recorded: ${
            (error as Error).message
          }`,
        );
      }
    };
    await Promise.all([
      ...instances.map(before =>
        limit(() =>
          lastDeployment(
            `the instance ${serviceName}/${before.name}`,
            async () =>
              (
                await client.send(
                  new GetServiceInstanceCommand({
                    serviceName,
                    name: before.name,
                  }),
                )
              ).serviceInstance?.lastAttemptedDeploymentId,
            before.lastAttemptedDeploymentId,
          ),
        ),
      ),
      ...(pipeline?.exists
        ? [
            lastDeployment(
              `the pipeline of ${serviceName}`,
              async () =>
                (
                  await client.send(
                    new GetServiceCommand({ name: serviceName }),
                  )
                ).service?.pipeline?.lastAttemptedDeploymentId,
              pipeline.before,
            ),
          ]
        : []),
    ]);
  }

  private async listInstances(
    client: ProtonClient,
    serviceName: string,
  ): Promise<ServiceInstanceSummary[]> {
    const listed: ServiceInstanceSummary[] = [];
    for await (const page of paginateListServiceInstances(
      { client, pageSize: 100 },
      { serviceName },
    )) {
      listed.push(...(page.serviceInstances ?? []));
    }
    return listed;
  }

  private async read(service: ProtonArn) {
    const { client } = await this.clients.getClientForArn(service);
    const resource = `service "${service.name}"`;
    const context = (operation: string): ProtonCallContext => ({
      operation,
      resource,
      accountId: service.accountId,
      region: service.region,
    });
    const current = requireField(
      (
        await callProton(context('GetService'), () =>
          client.send(new GetServiceCommand({ name: service.name })),
        )
      ).service,
      'service',
    );
    return { client: client as ProtonClient, context, current, resource };
  }

  /** Drops the cached reads of the service, its template's fleet and the environments named. */
  private async forget(
    service: ProtonArn,
    templateName?: string,
    ...environmentNames: string[]
  ) {
    const { accountId, region } = service;
    await this.cache.invalidate([
      cacheKeys.service(accountId, region, service.name),
      ...environmentNames.map(name =>
        cacheKeys.environment(accountId, region, name),
      ),
      ...(templateName
        ? [cacheKeys.templateFleet(accountId, region, 'service', templateName)]
        : []),
    ]);
  }
}

/** @throws InputError naming what is wrong with a new instance's name, environment or inputs */
function checkNewInstance(instance: NewServiceInstance) {
  const problems: string[] = [];
  if (!isProtonResourceName(instance?.name)) {
    problems.push(
      'name must be a Proton name: 1 to 100 letters, digits, "-" or "_", starting with a letter or digit',
    );
  }
  if (!isProtonResourceName(instance?.environment)) {
    problems.push('environment must name an environment');
  }
  const version = instance?.templateVersion;
  if (
    version !== undefined &&
    (typeof version !== 'string' || !/^\d{1,4}\.\d{1,4}$/.test(version))
  ) {
    problems.push('templateVersion must be major.minor, such as 1.2');
  }
  const inputs = instance?.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    problems.push('inputs must be a mapping of input names to values');
  }
  if (problems.length > 0) throw new InputError(problems.join('; '));
}
