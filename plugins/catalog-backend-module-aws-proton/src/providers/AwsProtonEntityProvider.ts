import {
  EnvironmentSummary,
  paginateListEnvironments,
  paginateListServiceInstances,
  paginateListServices,
  ServiceInstanceSummary,
  ServiceSummary,
} from '@aws-sdk/client-proton';
import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
  ProtonTarget,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';

interface ProviderSettings {
  id: string;
  target: ProtonTarget;
  defaultOwner: string;
  defaultLifecycle: string;
}

/** Turns a Proton name into a valid catalog entity name. */
function entityName(name: string): string {
  return name.toLocaleLowerCase('en-US').replace(/_/g, '-').slice(0, 63);
}

/**
 * Ingests AWS Proton environments (as `Resource` entities) and services (as `Component` entities that
 * depend on the environments their instances run in) from one account and region.
 *
 * @public
 */
export class AwsProtonEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  /** One provider per key of `catalog.providers.awsProton`. */
  static fromConfig(
    config: Config,
    deps: {
      clients: ProtonClientFactory;
      logger: LoggerService;
      scheduler: SchedulerService;
    },
  ): AwsProtonEntityProvider[] {
    const providers = config.getOptionalConfig('catalog.providers.awsProton');
    return (providers?.keys() ?? []).map(id => {
      const section = providers!.getConfig(id);
      const settings: ProviderSettings = {
        id,
        target: deps.clients.resolveTarget({
          accountId: section.getOptionalString('accountId'),
          region: section.getOptionalString('region'),
        }),
        defaultOwner: section.getOptionalString('defaultOwner') ?? 'unknown',
        defaultLifecycle:
          section.getOptionalString('defaultLifecycle') ?? 'production',
      };
      const runner = deps.scheduler.createScheduledTaskRunner(
        section.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              section.getConfig('schedule'),
            )
          : { frequency: { minutes: 5 }, timeout: { minutes: 3 } },
      );
      return new AwsProtonEntityProvider(
        settings,
        deps.clients,
        deps.logger.child({ provider: `aws-proton:${id}` }),
        runner,
      );
    });
  }

  constructor(
    private readonly settings: ProviderSettings,
    private readonly clients: ProtonClientFactory,
    private readonly logger: LoggerService,
    private readonly runner?: SchedulerServiceTaskRunner,
  ) {}

  getProviderName(): string {
    return `aws-proton:${this.settings.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.runner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The entities of the last good read stay in place: nothing is deleted because a call failed.
          this.logger.error(
            `AWS Proton read failed; keeping the entities of the last good read`,
            error as Error,
          );
        }
      },
    });
  }

  /** Reads Proton once and replaces this provider's entities with what it found. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    const { target } = this.settings;
    const client = await this.clients.getClient(target);
    const list = <T>(operation: string, pages: () => AsyncIterable<T>) =>
      callProton({ operation, ...target }, async () => {
        const all: T[] = [];
        for await (const page of pages()) all.push(page);
        return all;
      });
    const pager = { client, pageSize: 100 };
    const environments = (
      await list('ListEnvironments', () => paginateListEnvironments(pager, {}))
    ).flatMap(page => page.environments ?? []);
    const services = (
      await list('ListServices', () => paginateListServices(pager, {}))
    ).flatMap(page => page.services ?? []);
    const instances = (
      await list('ListServiceInstances', () =>
        paginateListServiceInstances(pager, {}),
      )
    ).flatMap(page => page.serviceInstances ?? []);

    const entities = [
      ...environments.map(e => this.environmentEntity(e)),
      ...services.map(s =>
        this.serviceEntity(
          s,
          instances.filter(i => i.serviceName === s.name),
        ),
      ),
    ];
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    this.logger.info(
      `Read ${environments.length} environments and ${services.length} services from AWS Proton`,
    );
  }

  private annotations(arn: string, key: string): Record<string, string> {
    const location = `url:${arn}`;
    return {
      [key]: arn,
      [ANNOTATION_LOCATION]: location,
      [ANNOTATION_ORIGIN_LOCATION]: location,
    };
  }

  private environmentEntity(environment: EnvironmentSummary): Entity {
    const name = requireField(environment.name, 'environment.name');
    const arn = requireField(environment.arn, 'environment.arn');
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: entityName(name),
        title: name,
        description: environment.description,
        annotations: this.annotations(arn, AWS_PROTON_ENVIRONMENT_ANNOTATION),
      },
      spec: {
        type: 'aws-proton-environment',
        owner: this.settings.defaultOwner,
      },
    };
  }

  private serviceEntity(
    service: ServiceSummary,
    instances: ServiceInstanceSummary[],
  ): Entity {
    const environments = [
      ...new Set(
        instances.map(i =>
          requireField(i.environmentName, 'serviceInstance.environmentName'),
        ),
      ),
    ];
    const name = requireField(service.name, 'service.name');
    const arn = requireField(service.arn, 'service.arn');
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: entityName(name),
        title: name,
        description: service.description,
        annotations: this.annotations(arn, AWS_PROTON_SERVICE_ANNOTATION),
      },
      spec: {
        type: 'service',
        lifecycle: this.settings.defaultLifecycle,
        owner: this.settings.defaultOwner,
        dependsOn: environments.map(name => `resource:${entityName(name)}`),
      },
    };
  }
}
