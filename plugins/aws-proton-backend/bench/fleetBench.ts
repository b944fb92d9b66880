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
import { ListServiceInstancesCommand } from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  countProtonCalls,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { ProtonReadCache } from '../src/services/ProtonReadCache';
import { TemplateFleetService } from '../src/services/TemplateFleetService';
import { TemplateUsageService } from '../src/services/TemplateUsageService';
import { BENCH_ARN_PREFIX, benchConfig, seedBenchFleet } from './benchFleet';

const DELAY_MS = 50;
const SERVICES = 200;
const ENVIRONMENTS = 5;

export async function fleetBench() {
  const scratch = await startScratchControlPlane();
  const entities = await seedBenchFleet(scratch, {
    services: SERVICES,
    environments: ENVIRONMENTS,
    // half the fleet on 1.0, half on the recommended 1.1
    minorOf: i => (i % 2 ? '0' : '1'),
  });
  const config = benchConfig(scratch);
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
  const arn = parseProtonArn(`${BENCH_ARN_PREFIX}:service-template/svc`);
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
