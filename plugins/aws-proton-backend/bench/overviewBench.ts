/*
 * The entity page's service overview against a control plane that adds 50 ms to every call, with a
 * service of 20 instances: cold latency (against one upstream call), warm latency, and the upstream
 * calls of 100 concurrent identical overview requests (against one request).
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench overview
 *
 * It drives the plugin's services (ProtonClientFactory, ServiceOverviewService, ProtonReadCache on
 * Backstage's memory cache) in-process; the HTTP layer of the backend is not part of the figures.
 */
import {
  GetEnvironmentCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  countProtonCalls,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { ProtonReadCache } from '../src/services/ProtonReadCache';
import { ServiceOverviewService } from '../src/services/ServiceOverviewService';

const DELAY_MS = 50;
const INSTANCES = 20;
const CONCURRENT = 100;

export async function overviewBench() {
  const scratch = await startScratchControlPlane({ responseDelayMs: DELAY_MS });
  const { server, client: admin, credentials, noopBundles } = scratch;
  const environments = Array.from({ length: INSTANCES }, (_, i) => `env${i}`);
  await seedProtonResources(admin, {
    environmentTemplates: [
      {
        name: 'env',
        versions: [
          {
            version: '1.0',
            source: noopBundles.environment,
            publish: true,
          },
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
          {
            version: '1.0',
            source: noopBundles.service,
            publish: true,
          },
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
  await seedProtonResources(admin, {
    services: [
      {
        name: 'bench',
        templateName: 'svc',
        templateMajorVersion: '1',
        spec: `proton: ServiceSpec\ninstances:\n${environments
          .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
          .join('')}`,
      },
    ],
  });
  const { serviceInstances = [] } = await admin.send(
    new ListServiceInstancesCommand({ serviceName: 'bench' }),
  );
  for (const instance of serviceInstances) {
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: instance.arn!,
        status: 'SUCCEEDED',
        outputs: [
          {
            key: 'serviceUrl',
            valueString: `http://lb.example/${instance.name}`,
          },
          { key: 'ecsServiceName', valueString: `bench-${instance.name}` },
        ],
      }),
    );
  }

  // The plugin's own services, against the control plane
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
  const calls = countProtonCalls(client);
  const upstreamCalls = () => [...calls.values()].reduce((a, b) => a + b, 0);
  const newService = () =>
    new ServiceOverviewService(
      clients,
      new ProtonReadCache(
        CacheManager.fromConfig(config).forPlugin(`bench-${Math.random()}`),
        30_000,
      ),
    );
  const arn = parseProtonArn(
    'arn:aws:proton:us-east-1:000000000000:service/bench',
  );
  const time = async <T>(work: () => Promise<T>) => {
    const started = process.hrtime.bigint();
    const value = await work();
    return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

  // One upstream call, for reference
  const single = await time(() =>
    client.send(new ListServiceInstancesCommand({ serviceName: 'bench' })),
  );

  const service = newService();
  calls.clear();
  const cold = await time(() => service.getServiceOverview(arn));
  const coldCalls = upstreamCalls();
  const warm = await time(() => service.getServiceOverview(arn));

  const concurrent = newService();
  calls.clear();
  const burst = await time(() =>
    Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        concurrent.getServiceOverview(arn),
      ),
    ),
  );
  const burstCalls = upstreamCalls();

  const instances = cold.value.instances.length;
  const outputs = cold.value.instances.reduce(
    (n, i) => n + i.outputs.length,
    0,
  );
  console.log(`control plane delay per call        ${DELAY_MS} ms`);
  console.log(
    `service instances                   ${instances} (outputs read: ${outputs})`,
  );
  console.log(`one upstream call                   ${single.ms.toFixed(1)} ms`);
  console.log(
    `cold overview                       ${cold.ms.toFixed(1)} ms  (${(
      cold.ms / single.ms
    ).toFixed(2)} x one call; target <= 3) with ${coldCalls} upstream calls`,
  );
  console.log(`warm overview (cached)              ${warm.ms.toFixed(2)} ms`);
  console.log(
    `${CONCURRENT} concurrent identical overviews  ${burst.ms.toFixed(
      1,
    )} ms, ${burstCalls} upstream calls (one request: ${coldCalls}; target: equal)`,
  );

  client.destroy();
  await scratch.stop();
}
