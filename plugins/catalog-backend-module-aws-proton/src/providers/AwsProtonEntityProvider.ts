import {
  GetEnvironmentCommand,
  GetServiceCommand,
  paginateListServiceInstances,
  ProtonClient,
  EnvironmentSummary,
  ServiceInstanceSummary,
  ServiceSummary,
} from '@aws-sdk/client-proton';
import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  AWS_PROTON_EVENTS_TOPIC,
  AWS_PROTON_SERVICE_ANNOTATION,
  parseProtonArn,
  ProtonArn,
  ProtonResourceChangedEvent,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
  ProtonTarget,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import {
  AwsProtonEntityDefaults,
  environmentEntity,
  serviceEntity,
  templateEntity,
} from './protonEntities';
import {
  AwsProtonInventoryScope,
  ProtonInventoryReader,
} from './protonInventory';
import { serviceTemplateWizard } from './templateWizard';

/**
 * The settings of one {@link AwsProtonEntityProvider}, as {@link AwsProtonEntityProvider.fromConfig}
 * reads them from one key of `catalog.providers.awsProton`.
 *
 * @public
 */
export interface AwsProtonEntityProviderSettings {
  /** The provider's key under `catalog.providers.awsProton`; the provider is named `aws-proton:<id>`. */
  id: string;
  /** The AWS account and Region the provider reads; both must be allowed by the `awsProton` configuration. */
  target: ProtonTarget;
  /** Which parts of Proton the provider reads. */
  scope: AwsProtonInventoryScope;
  /** The owner and lifecycle of entities that do not name their own; the location is derived from `id`. */
  defaults: Omit<AwsProtonEntityDefaults, 'location'>;
}

/**
 * What an {@link AwsProtonEntityProvider} needs from the backend.
 *
 * @public
 */
export interface AwsProtonEntityProviderDeps {
  /** Makes the Proton clients; the provider's account and Region must be among the allowed ones. */
  clients: ProtonClientFactory;
  /** Logs each read, and failed reads and event ingestions. */
  logger: LoggerService;
  /** Schedules the provider's periodic reads (`fromConfig` only). */
  scheduler: SchedulerService;
  /** Finds services that a `catalog-info.yaml` elsewhere already describes, so they are not ingested twice. */
  catalog: CatalogService;
  /** Gives the service credentials for the catalog queries. */
  auth: AuthService;
  /** When given, changes announced on the `aws-proton` topic are ingested at once. */
  events?: EventsService;
}

/**
 * Ingests one AWS account and region of Proton: environments (`Resource`), services (`Component`,
 * depending on the environments their instances run in), service and environment templates
 * (`Resource`), and a scaffolder `Template` per published service template major version. It reads
 * on a schedule, and at once when the scaffolder actions announce a change on the `aws-proton` topic.
 *
 * @public
 */
export class AwsProtonEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly inventory: ProtonInventoryReader;
  private readonly defaults: AwsProtonEntityDefaults;

  /** One provider per key of `catalog.providers.awsProton`. */
  static fromConfig(
    config: Config,
    deps: AwsProtonEntityProviderDeps,
  ): AwsProtonEntityProvider[] {
    const providers = config.getOptionalConfig('catalog.providers.awsProton');
    return (providers?.keys() ?? []).map(id => {
      const section = providers!.getConfig(id);
      const ingest = (key: string) =>
        section.getOptionalBoolean(`ingest.${key}`) ?? true;
      const settings: AwsProtonEntityProviderSettings = {
        id,
        target: deps.clients.resolveTarget({
          accountId: section.getOptionalString('accountId'),
          region: section.getOptionalString('region'),
        }),
        scope: {
          environments: ingest('environments'),
          services: ingest('services'),
          templates: ingest('templates'),
          wizards: ingest('wizards'),
          tags: section.getOptionalBoolean('ownerFromTags') ?? true,
        },
        defaults: {
          owner: section.getOptionalString('defaultOwner') ?? 'unknown',
          lifecycle:
            section.getOptionalString('defaultLifecycle') ?? 'production',
        },
      };
      const runner = deps.scheduler.createScheduledTaskRunner(
        section.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              section.getConfig('schedule'),
            )
          : { frequency: { minutes: 5 }, timeout: { minutes: 3 } },
      );
      return new AwsProtonEntityProvider(settings, deps, runner);
    });
  }

  /**
   * Creates a provider for one account and Region. Without a `runner` it reads only when
   * {@link AwsProtonEntityProvider.refresh} is called (or an event arrives).
   */
  constructor(
    private readonly settings: AwsProtonEntityProviderSettings,
    private readonly deps: AwsProtonEntityProviderDeps,
    private readonly runner?: SchedulerServiceTaskRunner,
  ) {
    this.inventory = new ProtonInventoryReader(settings.target);
    this.defaults = {
      ...settings.defaults,
      location: `aws-proton:${settings.id}`,
    };
  }

  /** The provider's name, `aws-proton:<id>`; also the location key of every entity it emits. */
  getProviderName(): string {
    return `aws-proton:${this.settings.id}`;
  }

  /**
   * Called by the catalog: subscribes to the `aws-proton` events topic (when `events` is given) and
   * starts the scheduled reads (when a task runner is given). A failed read is logged and keeps the
   * entities of the last good read.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.events?.subscribe({
      id: `${this.getProviderName()}:changes`,
      topics: [AWS_PROTON_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) => {
        try {
          await this.applyChange(eventPayload as ProtonResourceChangedEvent);
        } catch (error) {
          this.deps.logger.warn(
            `Could not ingest the AWS Proton change at once; the next scheduled read will`,
            error as Error,
          );
        }
      },
    });
    await this.runner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The entities of the last good read stay in place: nothing is deleted because a call failed.
          this.deps.logger.error(
            `AWS Proton read of account ${this.settings.target.accountId}, region ${this.settings.target.region} failed; keeping the entities of the last good read`,
            error as Error,
          );
        }
      },
    });
  }

  /** Reads Proton once and replaces this provider's entities with what it found. */
  async refresh(): Promise<void> {
    const connection = this.requireConnection();
    const started = Date.now();
    const client = await this.deps.clients.getClient(this.settings.target);
    const found = await this.inventory.read(client, this.settings.scope);
    const describedElsewhere = await this.servicesDescribedElsewhere();
    const tagsOf = (arn?: string) => (arn && found.tags.get(arn)) || {};

    const entities: Entity[] = [
      ...found.environments.map(e =>
        environmentEntity(e, tagsOf(e.arn), this.defaults),
      ),
      ...found.services
        .filter(
          s =>
            !describedElsewhere.has(requireField(s.arn, 'service.arn')) &&
            !isBeingDeleted(s.status),
        )
        .map(s =>
          serviceEntity(
            s,
            found.instances.filter(i => i.serviceName === s.name),
            tagsOf(s.arn),
            this.defaults,
          ),
        ),
      ...(this.settings.scope.templates
        ? [
            ...found.serviceTemplates.map(t =>
              templateEntity(t, 'service', this.defaults),
            ),
            ...found.environmentTemplates.map(t =>
              templateEntity(t, 'environment', this.defaults),
            ),
          ]
        : []),
      ...found.publishedVersions.flatMap(version => {
        const template = found.serviceTemplates.find(
          t => t.name === version.templateName,
        );
        try {
          return [
            serviceTemplateWizard(
              version,
              {
                arn: requireField(template?.arn, 'serviceTemplate.arn'),
                displayName: template?.displayName,
                description: template?.description,
              },
              this.settings.target,
              this.defaults,
            ),
          ];
        } catch (error) {
          this.deps.logger.warn(
            `No wizard for ${version.templateName} ${version.majorVersion}: ${
              (error as Error).message
            }`,
          );
          return [];
        }
      }),
    ];
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    this.deps.logger.info(
      `Read ${found.environments.length} environments, ${found.services.length} services, ` +
        `${
          found.serviceTemplates.length + found.environmentTemplates.length
        } templates and ` +
        `${
          found.publishedVersions.length
        } published service template versions from AWS Proton in ${
          Date.now() - started
        } ms`,
    );
  }

  /** Service ARNs that a catalog-info.yaml elsewhere already describes: those are not ingested twice. */
  private async servicesDescribedElsewhere(): Promise<Set<string>> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${AWS_PROTON_SERVICE_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['metadata.annotations'],
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return new Set(
      items
        .filter(
          e =>
            e.metadata.annotations?.[ANNOTATION_LOCATION] !==
            this.defaults.location,
        )
        .map(e => e.metadata.annotations![AWS_PROTON_SERVICE_ANNOTATION]),
    );
  }

  /** Ingests one created, updated or deleted service or environment at once. */
  private async applyChange(event: ProtonResourceChangedEvent): Promise<void> {
    const connection = this.requireConnection();
    let arn: ProtonArn;
    try {
      arn = parseProtonArn(event.arn);
    } catch {
      return;
    }
    const { target } = this.settings;
    if (arn.accountId !== target.accountId || arn.region !== target.region)
      return;
    if (!['service', 'environment'].includes(arn.resourceType)) return;
    this.inventory.forget(event.arn);
    // A deleted resource may already be gone from Proton: its entity is named from the ARN alone
    const entity =
      event.action === 'deleted'
        ? this.deletedEntity(arn, event.arn)
        : await this.readOne(await this.deps.clients.getClient(target), arn);
    if (!entity) return;
    const deferred = [{ entity, locationKey: this.getProviderName() }];
    await connection.applyMutation(
      event.action === 'deleted'
        ? { type: 'delta', added: [], removed: deferred }
        : { type: 'delta', added: deferred, removed: [] },
    );
    this.deps.logger.info(
      `Ingested ${event.arn} (${event.action}) from an aws-proton event`,
    );
  }

  /** The entity this provider made of a deleted service or environment, enough to remove it. */
  private deletedEntity(arn: ProtonArn, arnText: string): Entity | undefined {
    // only the name and ARN make the entity's reference, which is what a removal matches on
    const known = { name: arn.name, arn: arnText };
    if (arn.resourceType === 'environment') {
      return environmentEntity(known as EnvironmentSummary, {}, this.defaults);
    }
    if (this.settings.scope.services === false) return undefined;
    return serviceEntity(known as ServiceSummary, [], {}, this.defaults);
  }

  private async readOne(
    client: ProtonClient,
    arn: ProtonArn,
  ): Promise<Entity | undefined> {
    const context = (operation: string) => ({
      operation,
      resource: arn.name,
      ...this.settings.target,
    });
    if (arn.resourceType === 'environment') {
      const { environment } = await callProton(context('GetEnvironment'), () =>
        client.send(new GetEnvironmentCommand({ name: arn.name })),
      );
      return environment && environmentEntity(environment, {}, this.defaults);
    }
    if (this.settings.scope.services === false) return undefined;
    const [{ service }, instances] = await Promise.all([
      callProton(context('GetService'), () =>
        client.send(new GetServiceCommand({ name: arn.name })),
      ),
      callProton(context('ListServiceInstances'), async () => {
        const all: ServiceInstanceSummary[] = [];
        for await (const page of paginateListServiceInstances(
          { client, pageSize: 100 },
          { serviceName: arn.name },
        )) {
          all.push(...(page.serviceInstances ?? []));
        }
        return all;
      }),
    ]);
    // a service being deleted has left the catalog (its deletion event removed it); one whose
    // deletion failed comes back, with its status
    if (!service || isBeingDeleted(service.status)) return undefined;
    return serviceEntity(service, instances, {}, this.defaults);
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.connection;
  }
}

/** True for a service Proton is deleting (or has deleted): its entity is not in the catalog. */
function isBeingDeleted(status?: string): boolean {
  return status === 'DELETE_IN_PROGRESS' || status === 'DELETE_COMPLETE';
}
