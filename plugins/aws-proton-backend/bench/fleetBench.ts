/*
 * A service template's "where it runs" (the template page's fleet) for 1,000 service instances in 200
 * services, with 50 ms added to every call the plugin makes: the upstream calls of one cold
 * read (target: one list pass, no call per instance), and its latency cold and warm.
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench fleet
 *
 * It drives the plugin's TemplateFleetService in-process (ProtonClientFactory, ProtonReadCache on
 * Backstage's memory cache, the catalog service's in-memory mock holding the 200 services' entities);
 * the HTTP layer of the backend is not part of the figures.
 */
import {
  GetEnvironmentCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListServiceInstances,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  countProtonCalls,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { ProtonReadCache } from '../src/services/ProtonReadCache';
import { TemplateFleetService } from '../src/services/TemplateFleetService';
import { TemplateUsageService } from '../src/services/TemplateUsageService';

const DELAY_MS = 50;
const SERVICES = 200;
const ENVIRONMENTS = 5;
const PREFIX = 'arn:aws:proton:us-east-1:000000000000';

export async function fleetBench() {
  const scratch = await startScratchControlPlane();
  const { server, client: admin, credentials, noopBundles } = scratch;
  const environments = Array.from(
    { length: ENVIRONMENTS },
    (_, i) => `env${i}`,
  );
  await seedProtonResources(admin, {
    environmentTemplates: [
      {
        name: 'env',
        versions: [
          { version: '1.0', source: noopBundles.environment, publish: true },
        ],
      },
    ],
    serviceTemplates: [
      {
        name: 'svc',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        compatibleEnvironmentTemplates: [
          { templateName: 'env', majorVersion: '1' },
        ],
        versions: [
          { version: '1.0', source: noopBundles.service, publish: true },
          { version: '1.1', source: noopBundles.service, publish: true },
        ],
      },
    ],
    environments: environments.map(name => ({
      name,
      templateName: 'env',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    })),
  });
  for (const name of environments) {
    const { environment } = await admin.send(
      new GetEnvironmentCommand({ name }),
    );
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: environment!.arn!,
        status: 'SUCCEEDED',
      }),
    );
  }
  const spec = `proton: ServiceSpec\ninstances:\n${environments
    .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
    .join('')}`;
  await seedProtonResources(admin, {
    services: Array.from({ length: SERVICES }, (_, i) => ({
      name: `service-${i}`,
      templateName: 'svc',
      templateMajorVersion: '1',
      // half the fleet on 1.0, half on the recommended 1.1
      templateMinorVersion: i % 2 ? '0' : '1',
      spec,
    })),
  });
  for await (const page of paginateListServiceInstances(
    { client: admin },
    {},
  )) {
    for (const instance of page.serviceInstances ?? []) {
      await admin.send(
        new NotifyResourceDeploymentStatusChangeCommand({
          resourceArn: instance.arn!,
          status: 'SUCCEEDED',
        }),
      );
    }
  }
  const entities: Entity[] = Array.from({ length: SERVICES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      namespace: 'default',
      annotations: {
        'aws.amazon.com/aws-proton-service': `${PREFIX}:service/service-${i}`,
      },
    },
    spec: { type: 'service', owner: `group:default/team-${i % 10}` },
  }));
  const config = new ConfigReader({
    aws: { accounts: [{ accountId: '000000000000', ...credentials }] },
    awsProton: {
      regions: ['us-east-1'],
      accountIds: ['000000000000'],
      endpoint: server.endpoint,
    },
    backend: { cache: { store: 'memory' } },
  });
  const clients = ProtonClientFactory.fromConfig(config);
  const client = await clients.getClient();
  // every call of the plugin's client takes 50 ms more, as a remote API would (the seeding above did not)
  client.middlewareStack.add(
    next => async args => {
      await new Promise(resolve => setTimeout(resolve, DELAY_MS));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchDelay' },
  );
  const calls = countProtonCalls(client);
  const upstreamCalls = () => [...calls.values()].reduce((a, b) => a + b, 0);
  const fleets = new TemplateFleetService(
    new TemplateUsageService(clients),
    catalogServiceMock({ entities }),
    new ProtonReadCache(
      CacheManager.fromConfig(config).forPlugin('fleet-bench'),
      30_000,
    ),
  );
  const arn = parseProtonArn(`${PREFIX}:service-template/svc`);
  const time = async <T>(work: () => Promise<T>) => {
    const started = process.hrtime.bigint();
    const value = await work();
    return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  const credentialsOfUser = mockCredentials.user();

  const single = await time(() =>
    client.send(new ListServiceInstancesCommand({ maxResults: 1 })),
  );
  calls.clear();
  const cold = await time(() =>
    fleets.getTemplateFleet(arn, credentialsOfUser),
  );
  const byOperation = [...calls.entries()]
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const coldCalls = upstreamCalls();
  calls.clear();
  const warm = await time(() =>
    fleets.getTemplateFleet(arn, credentialsOfUser),
  );
  const warmCalls = upstreamCalls();

  const members = cold.value.members.length;
  const linked = cold.value.members.filter(m => m.entityRef).length;
  console.log(`control plane delay per call        ${DELAY_MS} ms`);
  console.log(
    `fleet                               ${members} service instances in ${SERVICES} services (${linked} linked to their entity)`,
  );
  console.log(`one upstream call                   ${single.ms.toFixed(1)} ms`);
  console.log(
    `cold "where it runs"                ${cold.ms.toFixed(
      1,
    )} ms with ${coldCalls} upstream calls (${byOperation}); ${(
      coldCalls / members
    ).toFixed(
      3,
    )} calls per instance (target: one list pass, no call per instance)`,
  );
  console.log(
    `warm "where it runs" (cached)       ${warm.ms.toFixed(
      2,
    )} ms with ${warmCalls} upstream calls`,
  );

  client.destroy();
  await scratch.stop();
}
