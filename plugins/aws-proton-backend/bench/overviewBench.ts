/*
 * The entity page's service overview against a control plane that adds 50 ms to every call, with a
 * service of 20 instances: cold latency (an empty cache; against one upstream call), warm latency,
 * and the upstream calls of 100 concurrent identical overview requests (against one request).
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench overview
 *
 * It drives the plugin's services (ProtonClientFactory, ServiceOverviewService, ProtonReadCache on
 * Backstage's memory cache) in-process; the HTTP layer of the backend is not part of the figures.
 * The control plane runs in a child process (overviewControlPlane.ts), as the upstream does in
 * production, so that its CPU time does not count as the plugin's.
 */
import {
  ListServiceInstanceOutputsCommand,
  ListServiceInstancesCommand,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { countProtonCalls } from '@proton-platform/proton-server/testUtils';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ProtonReadCache } from '../src/services/ProtonReadCache';
import { ServiceOverviewService } from '../src/services/ServiceOverviewService';

const CONCURRENT = 100;
/** Runs of the single call and of the cold overview, of which the median is reported. */
const RUNS = 15;

/** Starts overviewControlPlane.ts in a child process; resolves once it is seeded and listening. */
async function startControlPlaneProcess() {
  const child = spawn(
    process.execPath,
    [...process.execArgv, path.join(__dirname, 'overviewControlPlane.ts')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', code =>
      reject(new Error(`The bench's control plane exited with code ${code}`)),
    ),
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<{
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    delayMs: number;
  }>(resolve => lines.once('line', line => resolve(JSON.parse(line))));
  const started = await Promise.race([ready, exited]);
  return {
    ...started,
    stop: () =>
      new Promise<void>(resolve => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

export async function overviewBench() {
  const controlPlane = await startControlPlaneProcess();
  const { credentials } = controlPlane;

  // The plugin's own services, against the control plane
  const config = new ConfigReader({
    aws: { accounts: [{ accountId: '000000000000', ...credentials }] },
    awsProton: {
      regions: ['us-east-1'],
      accountIds: ['000000000000'],
      endpoint: controlPlane.endpoint,
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

  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  // Warm-up: a first overview opens the connections and compiles the code paths, which every later
  // request of a running backend finds done; the figures below are of a cold cache, not a cold process.
  await newService().getServiceOverview(arn);

  // One upstream call, for reference (median of RUNS)
  const singles: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    singles.push(
      (
        await time(() =>
          client.send(
            new ListServiceInstancesCommand({ serviceName: 'bench' }),
          ),
        )
      ).ms,
    );
  }
  const single = median(singles);

  // A cold overview (an empty cache each time; median of RUNS), then a warm one. Each cold run is
  // followed by the floor with the SDK's own work per call (signing, HTTP, parsing: about a
  // millisecond each here), which the "two rounds" of the target leave out: as many bare SDK calls as
  // the overview makes, in its two dependent rounds (ListServiceInstances, GetService and
  // ListComponents; then the rest at once), with no plugin code around them. Alternating the two
  // spreads the machine's noise over both.
  const firstRound = 3;
  const round = (count: number, instanceNames: string[]) =>
    Promise.all(
      Array.from({ length: count }, (_, k) =>
        client.send(
          new ListServiceInstanceOutputsCommand({
            serviceName: 'bench',
            serviceInstanceName: instanceNames[k % instanceNames.length],
          }),
        ),
      ),
    );
  const colds: number[] = [];
  const floors: number[] = [];
  let coldCalls = 0;
  let cold: Awaited<ReturnType<ServiceOverviewService['getServiceOverview']>>;
  const service = newService();
  for (let i = 0; i < RUNS; i++) {
    const fresh = i === RUNS - 1 ? service : newService();
    calls.clear();
    const run = await time(() => fresh.getServiceOverview(arn));
    coldCalls = upstreamCalls();
    colds.push(run.ms);
    cold = run.value;
    const names = cold.instances.map(instance => instance.name);
    const secondRoundCalls = coldCalls - firstRound;
    floors.push(
      (
        await time(async () => {
          await round(firstRound, names);
          await round(secondRoundCalls, names);
        })
      ).ms,
    );
  }
  const coldMs = median(colds);
  const floor = median(floors);
  const secondRound = coldCalls - firstRound;
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

  const instances = cold!.instances.length;
  const outputs = cold!.instances.reduce((n, i) => n + i.outputs.length, 0);
  console.log(`control plane delay per call        ${controlPlane.delayMs} ms`);
  console.log(
    `service instances                   ${instances} (outputs read: ${outputs})`,
  );
  console.log(`one upstream call                   ${single.toFixed(1)} ms`);
  console.log(
    `cold overview                       ${coldMs.toFixed(1)} ms  (${(
      coldMs / single
    ).toFixed(2)} x one call; target <= 2.2) with ${coldCalls} upstream calls`,
  );
  console.log(
    `bare SDK calls in two rounds        ${floor.toFixed(1)} ms  (${(
      floor / single
    ).toFixed(
      2,
    )} x one call: ${firstRound}, then ${secondRound} at once); the plugin adds ${(
      coldMs - floor
    ).toFixed(1)} ms`,
  );
  console.log(`warm overview (cached)              ${warm.ms.toFixed(2)} ms`);
  console.log(
    `${CONCURRENT} concurrent identical overviews  ${burst.ms.toFixed(
      1,
    )} ms, ${burstCalls} upstream calls (one request: ${coldCalls}; target: equal)`,
  );

  client.destroy();
  await controlPlane.stop();
}
