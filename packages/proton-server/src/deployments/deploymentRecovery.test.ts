import fs from 'node:fs';
import knexFactory from 'knex';
import os from 'node:os';
import path from 'node:path';
import {
  CancelEnvironmentDeploymentCommand,
  GetEnvironmentCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentsCommand,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import {
  dropSchema,
  PG_CONNECTION,
  postgresTestEnabled,
} from '../__testUtils__/postgres';
import { RecordingRunner } from '../__testUtils__/recordingRunner';
import {
  createEnvironment,
  NOTIFY_OUTPUTS,
  shellEnvironmentBundle,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  publishEnvironmentTemplate,
  startStandaloneServer,
  stopStandaloneServer,
} from '../__testUtils__/standaloneServer';
import {
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import {
  startTestServer,
  TEST_CREDENTIALS,
  TestServer,
} from '../__testUtils__/testServer';
import { createLocalRunner } from './localRunner';

const RECORDING_STEPS = [
  'echo "$PROTON_DEPLOYMENT_ID" >> "$SCRATCH/started"',
  'sleep 1.5',
  'echo "$PROTON_DEPLOYMENT_ID" >> "$SCRATCH/finished"',
  `jq -n '[{key: "vpcId", valueString: "vpc-local"}]' > outputs.json`,
  NOTIFY_OUTPUTS,
];

async function withAdmin(
  task: (admin: ReturnType<typeof knexFactory>) => Promise<unknown>,
): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: PG_CONNECTION });
  try {
    await task(admin);
  } finally {
    await admin.destroy();
  }
}

async function lines(file: string): Promise<string[]> {
  const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('deployments across restarts', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'recovery-'));
  });
  afterEach(async () => {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('resumes a deployment after kill -9 of the standalone server', async () => {
    const data = path.join(scratch, 'data');
    const bundles = path.join(scratch, 'bundles');
    const env = { ...process.env, SCRATCH: scratch, INIT_CWD: scratch };
    const args = [
      '--data',
      data,
      '--bundles',
      bundles,
      '--pass-env',
      'SCRATCH',
    ];
    const first = await startStandaloneServer(args, env, TEST_CREDENTIALS);
    let second;
    try {
      await publishEnvironmentTemplate(
        first.client,
        bundles,
        shellEnvironmentBundle(RECORDING_STEPS),
      );
      const created = await createEnvironment(
        { client: first.client } as TestServer,
        'dev',
      );
      const id = created.lastAttemptedDeploymentId!;
      await waitFor(async () => (await lines(`${scratch}/started`)).length > 0);
      await stopStandaloneServer(first, 'SIGKILL');
      // The steps die with the server (its watchdog), so the first attempt never finishes.
      await new Promise(resolve => setTimeout(resolve, 2500));
      expect(await lines(`${scratch}/finished`)).toEqual([]);

      second = await startStandaloneServer(args, env, TEST_CREDENTIALS);
      await waitUntilEnvironmentDeployed(
        { client: second.client, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
        { name: 'dev' },
      );
      expect(await lines(`${scratch}/started`)).toEqual([id, id]);
      expect(await lines(`${scratch}/finished`)).toEqual([id]);
      const outputs = await second.client.send(
        new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
      );
      expect(outputs.outputs).toEqual([
        { key: 'vpcId', valueString: 'vpc-local' },
      ]);
    } finally {
      await stopStandaloneServer(first, 'SIGKILL');
      if (second) await stopStandaloneServer(second);
    }
  }, 60_000);

  it('resumes an interrupted deployment at most three times, then fails it with a message', async () => {
    const directory = path.join(scratch, 'data');
    const start = (runner: RecordingRunner) =>
      startTestServer({
        database: { client: 'sqlite', directory },
        deploymentRunner: runner,
        bundleLimits: { maxBundleBytes: 64 * 1024 },
      });
    let runner = new RecordingRunner();
    let test = await startTemplateTestServer({
      database: { client: 'sqlite', directory },
      deploymentRunner: runner,
    });
    await publishEnvironmentVersion(test);
    await createEnvironment(test, 'dev');
    await createEnvironment(test, 'stopped');
    await test.server.settled();
    await test.client.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'stopped' }),
    );
    expect(runner.jobs.map(entry => entry.job.protonInputs)).toHaveLength(2);
    await test.stop();
    for (const attempt of [2, 3]) {
      runner = new RecordingRunner();
      test = await start(runner);
      // Resumed with the same job; the cancelled one ends as CANCELLED.
      expect(runner.jobs.map(entry => entry.job.resourceArn)).toEqual([
        'arn:aws:proton:us-east-1:000000000000:environment/dev',
      ]);
      const stopped = await test.client.send(
        new GetEnvironmentCommand({ name: 'stopped' }),
      );
      expect(stopped.environment).toMatchObject({
        deploymentStatus: 'CANCELLED',
        deploymentStatusMessage:
          'The deployment was cancelled while the control plane running it had stopped',
      });
      expect(attempt).toBeGreaterThan(1);
      await test.stop();
    }
    runner = new RecordingRunner();
    test = await start(runner);
    expect(runner.jobs).toEqual([]);
    const failed = await test.client.send(
      new GetEnvironmentCommand({ name: 'dev' }),
    );
    expect(failed.environment).toMatchObject({
      deploymentStatus: 'FAILED',
      deploymentStatusMessage:
        'The deployment was interrupted 3 times (the control plane running it stopped) and was not resumed again',
    });
    await test.stop();
  });

  it('shares one PostgreSQL database between two servers without running a deployment twice', async () => {
    if (!(await postgresTestEnabled())) return;
    const schema = `proton_share_${process.pid}_${Date.now()}`;
    const shared = {
      database: { client: 'pg' as const, connection: PG_CONNECTION, schema },
      storageDirectory: path.join(scratch, 'templates'),
      deploymentRunner: createLocalRunner({
        environment: { SCRATCH: scratch },
      }),
      // Look for unclaimed deployments all the time, racing the servers' own claims.
      deploymentLeases: { recoveryIntervalMs: 20, heartbeatMs: 100 },
    };
    const a = await startTemplateTestServer(shared);
    const b = await startTestServer(shared);
    try {
      await publishEnvironmentVersion(
        a,
        'vpc.tar.gz',
        undefined,
        shellEnvironmentBundle([
          'echo "$PROTON_DEPLOYMENT_ID" >> "$SCRATCH/started"',
          'sleep 0.2',
          `jq -n '[{key: "ok", valueString: "yes"}]' > outputs.json`,
          NOTIFY_OUTPUTS,
        ]),
      );
      const names = Array.from({ length: 12 }, (_, i) => `env${i}`);
      const ids = await Promise.all(
        names.map(async (name, i) => {
          const created = await createEnvironment(i % 2 ? a : b, name);
          return created.lastAttemptedDeploymentId!;
        }),
      );
      for (const [i, name] of names.entries()) {
        const environment = await waitForEnvironmentStatus(
          i % 2 ? b : a,
          name,
          ['SUCCEEDED', 'FAILED'],
        );
        expect(environment.deploymentStatus).toBe('SUCCEEDED');
      }
      const started = await lines(`${scratch}/started`);
      expect([...started].sort()).toEqual([...ids].sort());
      for (const server of [a, b]) {
        const listed = await server.client.send(
          new ListEnvironmentsCommand({}),
        );
        expect(listed.environments).toHaveLength(names.length);
      }
      // A cancellation received by the server that does not run the deployment reaches the one that does.
      await publishEnvironmentVersion(
        a,
        'vpc-slow.tar.gz',
        '1',
        shellEnvironmentBundle(['sleep 30']),
      );
      const slow = await createEnvironment(a, 'slow');
      await waitFor(async () => {
        const response = await a.client.send(
          new GetEnvironmentCommand({ name: 'slow' }),
        );
        return response.environment?.deploymentStatus === 'IN_PROGRESS';
      });
      await new Promise(resolve => setTimeout(resolve, 300));
      await b.client.send(
        new CancelEnvironmentDeploymentCommand({ environmentName: 'slow' }),
      );
      expect(
        (await waitForEnvironmentStatus(a, 'slow', ['CANCELLED']))
          .lastAttemptedDeploymentId,
      ).toBe(slow.lastAttemptedDeploymentId);
    } finally {
      await a.stop();
      await b.stop();
      await dropSchema(schema);
    }
  }, 60_000);

  it('runs two standalone server processes on one PostgreSQL database', async () => {
    if (!(await postgresTestEnabled())) return;
    const name = `proton_procs_${process.pid}_${Date.now()}`;
    await withAdmin(admin => admin.raw('CREATE DATABASE ??', [name]));
    const url = new URL(PG_CONNECTION);
    url.pathname = `/${name}`;
    const data = path.join(scratch, 'data');
    const bundles = path.join(scratch, 'bundles');
    const env = { ...process.env, SCRATCH: scratch, INIT_CWD: scratch };
    const args = [
      '--data',
      data,
      '--bundles',
      bundles,
      '--database-url',
      url.toString(),
      '--pass-env',
      'SCRATCH',
    ];
    const one = await startStandaloneServer(args, env, TEST_CREDENTIALS);
    const two = await startStandaloneServer(args, env, TEST_CREDENTIALS);
    try {
      await publishEnvironmentTemplate(
        one.client,
        bundles,
        shellEnvironmentBundle([
          'echo "$PROTON_DEPLOYMENT_ID" >> "$SCRATCH/started"',
          `jq -n '[{key: "ok", valueString: "yes"}]' > outputs.json`,
          NOTIFY_OUTPUTS,
        ]),
      );
      const servers = [one, two];
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const ids: string[] = [];
      for (const [i, environment] of names.entries()) {
        const created = await createEnvironment(
          { client: servers[i % 2].client } as TestServer,
          environment,
        );
        ids.push(created.lastAttemptedDeploymentId!);
      }
      for (const [i, environment] of names.entries()) {
        // Each read goes to the server that did not create the environment.
        await waitUntilEnvironmentDeployed(
          {
            client: servers[(i + 1) % 2].client,
            maxWaitTime: 30,
            minDelay: 1,
            maxDelay: 1,
          },
          { name: environment },
        );
      }
      expect((await lines(`${scratch}/started`)).sort()).toEqual(ids.sort());
      for (const server of servers) {
        const listed = await server.client.send(
          new ListEnvironmentsCommand({}),
        );
        expect(listed.environments).toHaveLength(names.length);
      }
    } finally {
      await stopStandaloneServer(one);
      await stopStandaloneServer(two);
      await withAdmin(admin => admin.raw('DROP DATABASE IF EXISTS ??', [name]));
    }
  }, 90_000);
});
