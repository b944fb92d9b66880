/**
 * Benchmark of the control plane on loopback (`yarn workspace @proton-platform/proton-server bench`):
 *
 * 1. one service with 5 instances created from a no-op bundle through the `local` runner: the time
 *    until every instance is SUCCEEDED;
 * 2. signed GetService and ListServiceInstances at 32 concurrent clients: throughput, p50 and p99 of
 *    the server as configured by default (SQLite with its read cache), of the same without the read
 *    cache, and of a bare node:http server doing the same SigV4 verification and answering a fixed
 *    body, all measured in the same run.
 *
 * Flags: `--clients <n>` (32), `--requests <n>` per client (400). Targets: signed reads at half the
 * bare server's rate or better, p99 under 20 ms. It prints figures and asserts nothing.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  ListServiceInstancesCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { codebuildManifest } from '../src/__testUtils__/shellBundles';
import {
  ENVIRONMENT_SCHEMA,
  serviceSchema,
  writeBundle,
} from '../src/__testUtils__/templateBundles';
import { BENCH_CREDENTIALS } from './benchServers';
import { generateLoad, LoadResult, signRequest } from './loadGenerator';

const NO_OP = codebuildManifest(['true'], ['true']);
const ROUNDS = 3;

function median(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

function flag(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer`);
  }
  return value;
}

async function startServer(
  kind: 'proton' | 'proton-uncached' | 'bare',
  bundles: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'run.js'), 'serve', kind, bundles],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', chunk => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', code => reject(new Error(`${kind} exited (${code})`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Registers and publishes no-op templates and deploys the environment `bench`. */
async function prepare(client: ProtonClient, bundles: string): Promise<void> {
  const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
  const envSource = await writeBundle(bundles, 'bench', 'env.tar.gz', {
    'schema/schema.yaml': ENVIRONMENT_SCHEMA,
    'infrastructure/manifest.yaml': NO_OP,
  });
  await client.send(new CreateEnvironmentTemplateCommand({ name: 'env' }));
  await client.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName: 'env',
      source: { s3: envSource },
    }),
  );
  const version = { majorVersion: '1', minorVersion: '0' };
  await waitUntilEnvironmentTemplateVersionRegistered(waiter, {
    templateName: 'env',
    ...version,
  });
  await client.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName: 'env',
      ...version,
      status: 'PUBLISHED',
    }),
  );
  await client.send(
    new CreateEnvironmentCommand({
      name: 'bench',
      templateName: 'env',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    }),
  );
  await waitUntilEnvironmentDeployed(waiter, { name: 'bench' });
  const serviceSource = await writeBundle(bundles, 'bench', 'svc.tar.gz', {
    'schema/schema.yaml': serviceSchema(),
    'instance_infrastructure/manifest.yaml': NO_OP,
  });
  await client.send(
    new CreateServiceTemplateCommand({
      name: 'svc',
      pipelineProvisioning: 'CUSTOMER_MANAGED',
    }),
  );
  await client.send(
    new CreateServiceTemplateVersionCommand({
      templateName: 'svc',
      source: { s3: serviceSource },
      compatibleEnvironmentTemplates: [
        { templateName: 'env', majorVersion: '1' },
      ],
    }),
  );
  await waitUntilServiceTemplateVersionRegistered(waiter, {
    templateName: 'svc',
    ...version,
  });
  await client.send(
    new UpdateServiceTemplateVersionCommand({
      templateName: 'svc',
      ...version,
      status: 'PUBLISHED',
    }),
  );
}

/** Creates `bench-svc` with 5 instances and returns the milliseconds until all are SUCCEEDED. */
async function serviceLifecycle(client: ProtonClient): Promise<number> {
  const instances = Array.from(
    { length: 5 },
    (_, i) =>
      `  - name: i${i}\n    environment: bench\n    spec:\n      port: ${
        8000 + i
      }\n`,
  ).join('');
  const started = performance.now();
  await client.send(
    new CreateServiceCommand({
      name: 'bench-svc',
      templateName: 'svc',
      templateMajorVersion: '1',
      spec: `proton: ServiceSpec\ninstances:\n${instances}`,
    }),
  );
  for (let poll = 0; poll < 3000; poll++) {
    const { serviceInstances } = await client.send(
      new ListServiceInstancesCommand({ serviceName: 'bench-svc' }),
    );
    const statuses = (serviceInstances ?? []).map(i => i.deploymentStatus);
    if (statuses.length === 5 && statuses.every(s => s === 'SUCCEEDED')) {
      return performance.now() - started;
    }
    if (statuses.some(s => s === 'FAILED')) {
      throw new Error('an instance of the no-op bundle failed');
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  throw new Error('the instances did not all succeed within the polling bound');
}

function row(label: string, result: LoadResult): string {
  return `${label.padEnd(50)} ${result.perSecond
    .toFixed(0)
    .padStart(7)} req/s   p50 ${result.p50Ms
    .toFixed(2)
    .padStart(6)} ms   p99 ${result.p99Ms.toFixed(2).padStart(6)} ms${
    result.errors ? `   (${result.errors} errors)` : ''
  }`;
}

/** Runs the benchmark and prints its figures. */
export async function runProtonServerBench(args: string[]): Promise<void> {
  const clients = flag(args, '--clients', 32);
  const perClient = flag(args, '--requests', 400);
  const bundles = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-bench-'),
  );
  const proton = await startServer('proton', bundles);
  const uncached = await startServer('proton-uncached', bundles);
  const bare = await startServer('bare', bundles);
  const clientOf = (port: number) =>
    new ProtonClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: BENCH_CREDENTIALS,
    });
  const client = clientOf(proton.port);
  const uncachedClient = clientOf(uncached.port);
  try {
    console.log(
      `proton-server bench: node ${process.version}, ${
        os.cpus().length
      } CPUs, ${clients} clients x ${perClient} requests, median of ${ROUNDS} rounds, loopback\n`,
    );
    await prepare(client, bundles);
    const lifecycle = await serviceLifecycle(client);
    console.log(
      `CreateService with 5 instances (no-op bundle, local runner) -> all SUCCEEDED: ${lifecycle.toFixed(
        0,
      )} ms\n`,
    );
    await prepare(uncachedClient, bundles);
    await serviceLifecycle(uncachedClient);
    const operations: Array<[string, Record<string, string>]> = [
      ['GetService', { name: 'bench-svc' }],
      ['ListServiceInstances', { serviceName: 'bench-svc' }],
    ];
    for (const [operation, input] of operations) {
      const sign = (port: number) =>
        signRequest(port, operation, input, BENCH_CREDENTIALS);
      const targets: Array<[string, Awaited<ReturnType<typeof sign>>]> = [
        ['proton-server', await sign(proton.port)],
        ['proton-server, no read cache', await sign(uncached.port)],
        ['bare SigV4 server', await sign(bare.port)],
      ];
      // Warm up every server (JIT, connections, SQLite page cache).
      for (const [, signed] of targets) await generateLoad(signed, clients, 50);
      // Rounds alternate the servers, so that a burst of other load on the machine hits all of
      // them; each server's median round is printed.
      const rounds: LoadResult[][] = targets.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [index, [, signed]] of targets.entries()) {
          rounds[index].push(await generateLoad(signed, clients, perClient));
        }
      }
      const results = rounds.map(median);
      for (const [index, [label]] of targets.entries()) {
        console.log(row(`${operation} (${label})`, results[index]));
      }
      const baseline = results[2].perSecond;
      console.log(
        `  ratio to bare: ${(results[0].perSecond / baseline).toFixed(
          2,
        )}, without read cache ${(results[1].perSecond / baseline).toFixed(
          2,
        )} (target >= 0.50); p99 target 20 ms\n`,
      );
    }
  } finally {
    client.destroy();
    uncachedClient.destroy();
    await stopServer(proton.child);
    await stopServer(uncached.child);
    await stopServer(bare.child);
    await fs.promises.rm(bundles, { recursive: true, force: true });
  }
}
