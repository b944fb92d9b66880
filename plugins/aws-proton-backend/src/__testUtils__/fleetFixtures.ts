import {
  GetEnvironmentCommand,
  GetServiceCommand,
  ListEnvironmentsCommand,
  ListServiceInstancesCommand,
  ListServicesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  noopTemplatesPlan,
  type ScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import type { Knex } from 'knex';
import { awsProtonPlugin } from '../plugin';
import type { testDatabaseFactory } from './testDatabase';
import { createCampaignNotifier } from '../campaigns/campaignNotifications';
import { CampaignService } from '../campaigns/CampaignService';
import { CampaignStore } from '../campaigns/campaignStore';
import { ProtonReadCache } from '../services/ProtonReadCache';
import { TemplateFleetService } from '../services/TemplateFleetService';
import { TemplateUsageService } from '../services/TemplateUsageService';

/** A service spec with one instance per environment, named after it, with no inputs. */
export function serviceSpec(...environments: string[]): string {
  return `proton: ServiceSpec\ninstances:\n${environments
    .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
    .join('')}`;
}

/**
 * Seeds a scratch control plane with the environment template `env` 1.0, the service template
 * `web` (customer-managed pipelines) with `versions` published, and `environments`, deployed: their
 * deployments reported SUCCEEDED (as a runner would), or, with `runner`, deployed by the control
 * plane's own runner and waited for.
 *
 * @param versions - `major.minor` and bundle source of each version of `web`; by default 1.0 and
 *   1.1, both the no-op bundle
 */
export async function seedWebTemplate(
  controlPlane: ScratchControlPlane,
  environments: string[],
  versions?: Array<{
    version: string;
    source: { bucket: string; key: string };
  }>,
  options: { runner?: boolean } = {},
): Promise<void> {
  const { client, noopBundles } = controlPlane;
  await seedProtonResources(
    client,
    noopTemplatesPlan(noopBundles, {
      environments,
      serviceVersions: versions,
    }),
  );
  for (const name of environments) {
    if (options.runner) {
      await waitUntilEnvironmentDeployed(
        { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
        { name },
      );
      continue;
    }
    const { environment } = await client.send(
      new GetEnvironmentCommand({ name }),
    );
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: environment!.arn!,
        status: 'SUCCEEDED',
      }),
    );
  }
}

/**
 * Reports the outcome of every deployment in progress (environments, services' pipelines, service
 * instances), as a runner would: SUCCEEDED, or FAILED with `statusMessage` for those named in
 * `failing` by their campaign label (`environment dev`, `orders (pipeline)`, `orders/dev`).
 *
 * @returns the labels of the deployments it ended, sorted
 */
export async function settleDeployments(
  client: ProtonClient,
  failing: string[] = [],
  statusMessage = 'the tasks did not become healthy',
): Promise<string[]> {
  const open: Array<{ arn: string; label: string }> = [];
  const { environments = [] } = await client.send(
    new ListEnvironmentsCommand({}),
  );
  for (const found of environments) {
    if (found.deploymentStatus === 'IN_PROGRESS') {
      open.push({ arn: found.arn!, label: `environment ${found.name}` });
    }
  }
  const { services = [] } = await client.send(new ListServicesCommand({}));
  for (const { name } of services) {
    const { service } = await client.send(new GetServiceCommand({ name }));
    if (service?.pipeline?.deploymentStatus === 'IN_PROGRESS') {
      open.push({ arn: service.pipeline.arn!, label: `${name} (pipeline)` });
    }
  }
  const { serviceInstances = [] } = await client.send(
    new ListServiceInstancesCommand({}),
  );
  for (const found of serviceInstances) {
    if (found.deploymentStatus === 'IN_PROGRESS') {
      open.push({
        arn: found.arn!,
        label: `${found.serviceName}/${found.name}`,
      });
    }
  }
  for (const { arn, label } of open) {
    const failed = failing.includes(label);
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: arn,
        status: failed ? 'FAILED' : 'SUCCEEDED',
        statusMessage: failed ? statusMessage : undefined,
      }),
    );
  }
  return open.map(o => o.label).sort();
}

/**
 * A catalog entity of a Proton service (`Component`) or environment (`Resource`), owned by
 * `group:default/team`.
 */
export function catalogEntity(
  kind: 'Component' | 'Resource',
  name: string,
  arn: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [kind === 'Component'
          ? 'aws.amazon.com/aws-proton-service'
          : 'aws.amazon.com/aws-proton-environment']: arn,
      },
    },
    spec: { type: 'service', owner: 'group:default/team', lifecycle: 'test' },
  };
}

/** Proton clients of the scratch control plane's account (000000000000) in us-east-1. */
export function scratchClients(
  controlPlane: ScratchControlPlane,
): ProtonClientFactory {
  return ProtonClientFactory.fromConfig(
    new ConfigReader({
      aws: {
        accounts: [{ accountId: '000000000000', ...controlPlane.credentials }],
      },
      awsProton: {
        regions: ['us-east-1'],
        accountIds: ['000000000000'],
        endpoint: controlPlane.server.endpoint,
      },
    }),
  );
}

/**
 * A campaign service over `knex` and `clients`, with a catalog of `entities`, its own memory cache,
 * and a permission service that answers every resource permission with `decide` (allow by
 * default); owners are told through `notifications` when given.
 */
export function createCampaignService(options: {
  knex: Knex;
  clients: ProtonClientFactory;
  entities: Entity[];
  notifications?: NotificationService;
  decide?: (permission: string) => AuthorizeResult;
}): CampaignService {
  const { knex, clients, entities, notifications } = options;
  const decide = options.decide ?? (() => AuthorizeResult.ALLOW);
  const reads = new ProtonReadCache(
    CacheManager.fromConfig(
      new ConfigReader({ backend: { cache: { store: 'memory' } } }),
    ).forPlugin(`campaigns-${Math.random()}`),
    30_000,
  );
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(request => ({
      result:
        'permission' in request && isResourcePermission(request.permission)
          ? (decide(request.permission.name) as AuthorizeResult.ALLOW)
          : AuthorizeResult.ALLOW,
    })),
  );
  return new CampaignService(
    new CampaignStore(knex),
    new TemplateFleetService(
      new TemplateUsageService(clients),
      catalogServiceMock({ entities }),
      reads,
    ),
    clients,
    reads,
    permissions,
    mockServices.logger.mock(),
    {
      notifier: notifications
        ? createCampaignNotifier(notifications, mockServices.logger.mock())
        : undefined,
    },
  );
}

/**
 * Starts a test backend with the aws-proton plugin against the scratch control plane's account
 * (000000000000, us-east-1), on the file's `database`, with a catalog of `entities` and a permission service that answers every
 * permission with `decision`; `features` adds or replaces services (an events service, say).
 *
 * @returns the backend's HTTP server, for supertest
 */
export async function startAwsProtonBackend(
  controlPlane: ScratchControlPlane,
  options: {
    /** The file's database, from `testDatabaseFactory()` (called at the top of the file). */
    database: ReturnType<typeof testDatabaseFactory>;
    entities: Entity[];
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    features?: Parameters<typeof startTestBackend>[0]['features'];
  },
) {
  const { server } = await startTestBackend({
    features: [
      awsProtonPlugin,
      options.database,
      mockServices.permissions.factory({
        result: options.decision ?? AuthorizeResult.ALLOW,
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          aws: {
            accounts: [
              { accountId: '000000000000', ...controlPlane.credentials },
            ],
          },
          awsProton: {
            regions: ['us-east-1'],
            accountIds: ['000000000000'],
            endpoint: controlPlane.server.endpoint,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return server;
}
