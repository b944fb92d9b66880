import {
  ComponentSummary,
  GetServiceCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  ListComponentOutputsCommand,
  ListServiceInstanceOutputsCommand,
  ListServicePipelineOutputsCommand,
  paginateListComponents,
  paginateListServiceInstances,
  ProtonClient,
  ServiceInstanceSummary,
} from '@aws-sdk/client-proton';
import {
  describeDeploymentStatus,
  describeServiceStatus,
  describeTemplateVersionStanding,
  ProtonArn,
  ProtonOutput,
  ServiceOverview,
  ServicePipelineView,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import pLimit from 'p-limit';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';

/** Lists every output of an environment, service instance, pipeline or component over all pages. */
export async function listOutputs(
  call: (nextToken?: string) => Promise<{
    outputs?: { key?: string; valueString?: string }[];
    nextToken?: string;
  }>,
): Promise<ProtonOutput[]> {
  const outputs: ProtonOutput[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(nextToken);
    for (const output of page.outputs ?? []) {
      outputs.push({ key: output.key ?? '', value: output.valueString ?? '' });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return outputs.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Reads what the entity page shows about one Proton service: the service and its pipeline, every
 * instance over all pages with its outputs, and each instance's template version against the
 * recommended ones. Results are cached and identical concurrent requests share one read.
 */
export class ServiceOverviewService {
  private readonly limit: pLimit.Limit;

  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
    options: { concurrency?: number } = {},
  ) {
    this.limit = pLimit(options.concurrency ?? 20);
  }

  async getServiceOverview(arn: ProtonArn): Promise<ServiceOverview> {
    return this.cache.read(
      cacheKeys.service(arn.accountId, arn.region, arn.name),
      () => this.load(arn),
      overview => overview.inProgress,
    );
  }

  private async load(arn: ProtonArn): Promise<ServiceOverview> {
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
    const serviceName = `service "${arn.name}"`;

    // Two rounds of calls: the service and its instances; then, each as soon as what it needs is
    // there, the template (from the service), the instances' outputs and versions (from the list).
    // The list goes first: its answer starts the most calls (one per instance), and, the calls
    // taking about as long, it tends to come back first too.
    const instancesPromise = callProton(
      context('ListServiceInstances', serviceName),
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
    const servicePromise = callProton(context('GetService', serviceName), () =>
      client.send(new GetServiceCommand({ name: arn.name })),
    ).then(r => requireField(r.service, 'service'));
    const templateNameOf = (service: { templateName?: string }) =>
      requireField(service.templateName, 'service.templateName');
    const templatePromise = servicePromise.then(service =>
      callProton(
        context(
          'GetServiceTemplate',
          `service template "${templateNameOf(service)}"`,
        ),
        () =>
          client.send(
            new GetServiceTemplateCommand({ name: templateNameOf(service) }),
          ),
      ),
    );
    const minorsPromise = Promise.all([servicePromise, instancesPromise]).then(
      ([service, instances]) => {
        // One version of each major version run, to read that major's recommended minor version.
        const probes = new Map<string, string | undefined>();
        for (const running of [
          ...instances,
          ...(service.pipeline ? [service.pipeline] : []),
        ]) {
          probes.set(
            requireField(running.templateMajorVersion, 'templateMajorVersion'),
            running.templateMinorVersion,
          );
        }
        return this.recommendedMinorVersions(
          client,
          templateNameOf(service),
          probes,
          context,
        );
      },
    );
    const pipelineOutputsPromise = servicePromise.then(service =>
      service.pipeline
        ? callProton(context('ListServicePipelineOutputs', serviceName), () =>
            listOutputs(nextToken =>
              client.send(
                new ListServicePipelineOutputsCommand({
                  serviceName: arn.name,
                  nextToken,
                }),
              ),
            ),
          )
        : [],
    );
    const componentsPromise = callProton(
      context('ListComponents', serviceName),
      async () => {
        const all: ComponentSummary[] = [];
        for await (const page of paginateListComponents(
          { client, pageSize: 100 },
          { serviceName: arn.name },
        )) {
          all.push(...(page.components ?? []));
        }
        return Promise.all(
          all.map(component =>
            this.limit(async () => ({
              component,
              outputs: await callProton(
                context(
                  'ListComponentOutputs',
                  `component "${component.name}"`,
                ),
                () =>
                  listOutputs(nextToken =>
                    client.send(
                      new ListComponentOutputsCommand({
                        componentName: component.name,
                        nextToken,
                      }),
                    ),
                  ),
              ),
            })),
          ),
        );
      },
    );
    const outputsPromise = instancesPromise.then(instances =>
      Promise.all(
        instances.map(instance =>
          this.limit(() =>
            callProton(
              context(
                'ListServiceInstanceOutputs',
                `service instance "${arn.name}/${instance.name}"`,
              ),
              () =>
                listOutputs(nextToken =>
                  client.send(
                    new ListServiceInstanceOutputsCommand({
                      serviceName: arn.name,
                      serviceInstanceName: instance.name,
                      nextToken,
                    }),
                  ),
                ),
            ),
          ),
        ),
      ),
    );
    const [
      service,
      instances,
      template,
      recommendedMinors,
      outputs,
      pipelineOutputs,
      components,
    ] = await Promise.all([
      servicePromise,
      instancesPromise,
      templatePromise,
      minorsPromise,
      outputsPromise,
      pipelineOutputsPromise,
      componentsPromise,
    ]);
    const templateName = templateNameOf(service);
    const recommendedVersion = template.serviceTemplate?.recommendedVersion;

    const views = instances.map((instance, index) => {
      const major = requireField(
        instance.templateMajorVersion,
        'serviceInstance.templateMajorVersion',
      );
      const version = `${major}.${instance.templateMinorVersion}`;
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
        template: describeTemplateVersionStanding(
          version,
          recommendedVersion,
          recommendedMinors.get(major),
        ),
        lastDeploymentAttemptedAt:
          instance.lastDeploymentAttemptedAt?.toISOString(),
        lastDeploymentSucceededAt:
          instance.lastDeploymentSucceededAt?.toISOString(),
        outputs: outputs[index],
        components: components
          .filter(
            ({ component }) => component.serviceInstanceName === instance.name,
          )
          .map(({ component, outputs: componentOutputs }) => ({
            name: requireField(component.name, 'component.name'),
            deploymentStatus: requireField(
              component.deploymentStatus,
              'component.deploymentStatus',
            ),
            deploymentStatusMessage: component.deploymentStatusMessage,
            outputs: componentOutputs,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
    views.sort((a, b) => a.name.localeCompare(b.name));

    const status = requireField(service.status, 'service.status');
    let pipeline: ServicePipelineView | undefined;
    if (service.pipeline) {
      const major = requireField(
        service.pipeline.templateMajorVersion,
        'pipeline.templateMajorVersion',
      );
      const version = `${major}.${service.pipeline.templateMinorVersion}`;
      pipeline = {
        deploymentStatus: requireField(
          service.pipeline.deploymentStatus,
          'pipeline.deploymentStatus',
        ),
        deploymentStatusMessage: service.pipeline.deploymentStatusMessage,
        templateVersion: version,
        template: describeTemplateVersionStanding(
          version,
          recommendedVersion,
          recommendedMinors.get(major),
        ),
        lastDeploymentSucceededAt:
          service.pipeline.lastDeploymentSucceededAt?.toISOString(),
        outputs: pipelineOutputs,
      };
    }
    return {
      arn: requireField(service.arn, 'service.arn'),
      name: requireField(service.name, 'service.name'),
      description: service.description,
      status,
      statusMessage: service.statusMessage,
      templateName,
      recommendedVersion,
      createdAt: service.createdAt?.toISOString(),
      lastModifiedAt: service.lastModifiedAt?.toISOString(),
      pipeline,
      instances: views,
      inProgress:
        describeServiceStatus(status).inProgress ||
        views.some(
          v => describeDeploymentStatus(v.deploymentStatus).inProgress,
        ) ||
        (pipeline !== undefined &&
          describeDeploymentStatus(pipeline.deploymentStatus).inProgress),
    };
  }

  /**
   * The recommended minor version of each major version the instances and the pipeline run: one read
   * per major version, of one version (`probes`: major to a minor run) in it.
   */
  private async recommendedMinorVersions(
    client: ProtonClient,
    templateName: string,
    probes: Map<string, string | undefined>,
    context: (operation: string, resource: string) => ProtonCallContext,
  ): Promise<Map<string, string | undefined>> {
    const entries = await Promise.all(
      [...probes].map(async ([major, minor]) => {
        const { serviceTemplateVersion } = await callProton(
          context(
            'GetServiceTemplateVersion',
            `service template "${templateName}" version ${major}.${minor}`,
          ),
          () =>
            client.send(
              new GetServiceTemplateVersionCommand({
                templateName,
                majorVersion: major,
                minorVersion: minor,
              }),
            ),
        );
        return [
          major,
          serviceTemplateVersion?.recommendedMinorVersion,
        ] as const;
      }),
    );
    return new Map(entries);
  }
}
