import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConflictException,
  ListDeploymentsCommand,
  UpdateEnvironmentCommand,
  UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import knexFactory, { Knex } from 'knex';
import {
  dropSchema,
  PG_CONNECTION,
  postgresTestEnabled,
} from '../__testUtils__/postgres';
import { RecordingRunner } from '../__testUtils__/recordingRunner';
import {
  deployServiceFixture,
  waitForInstanceStatus,
} from '../__testUtils__/serviceFixture';
import {
  createEnvironment,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import { startTestServer, TestServer } from '../__testUtils__/testServer';
import { openProtonDatabase } from '../store/database';
import { databaseNow, databaseNowPlus } from '../store/databaseDialect';
import { DeploymentLeases } from './deploymentLeases';
import { createLocalRunner } from './localRunner';

/** Sends `count` updates of the instance `api/dev` at once, alternating between `servers`. */
async function concurrentInstanceUpdates(servers: TestServer[], count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      servers[i % servers.length].client.send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'dev',
          deploymentType: 'CURRENT_VERSION',
        }),
      ),
    ),
  );
  const accepted = results.filter(r => r.status === 'fulfilled');
  const refused = results.flatMap(r =>
    r.status === 'rejected' ? [r.reason] : [],
  );
  return { accepted, refused };
}

function expectConflicts(refused: unknown[]) {
  for (const error of refused) {
    expect(error).toBeInstanceOf(ConflictException);
    expect((error as Error).message).toMatch(
      /already has a deployment in progress|is IN_PROGRESS/,
    );
  }
}

async function instanceDeployments(test: TestServer): Promise<number> {
  const { deployments } = await test.client.send(
    new ListDeploymentsCommand({
      serviceName: 'api',
      serviceInstanceName: 'dev',
    }),
  );
  return deployments!.length;
}

describe('one deployment per target at a time', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'exclusive-'));
  });
  afterEach(async () => {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('accepts one of 20 concurrent updates of an instance spread over two servers on one PostgreSQL database', async () => {
    if (!(await postgresTestEnabled())) return;
    const schema = `proton_exclusive_${process.pid}_${Date.now()}`;
    const common = {
      database: { client: 'pg' as const, connection: PG_CONNECTION, schema },
      deploymentRunner: createLocalRunner(),
      deploymentLeases: { heartbeatMs: 100 },
    };
    // Each server has a cache of its own: the second deploys templates only the first registered.
    const a = await startTemplateTestServer({
      ...common,
      storageDirectory: path.join(scratch, 'a'),
    });
    const b = await startTestServer({
      ...common,
      storageDirectory: path.join(scratch, 'b'),
    });
    try {
      await deployServiceFixture(a, ['sleep 2'], b);
      const { accepted, refused } = await concurrentInstanceUpdates([a, b], 20);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(19);
      expectConflicts(refused);
      const instance = await waitForInstanceStatus(b, 'api', 'dev', [
        'SUCCEEDED',
        'FAILED',
      ]);
      expect(instance.deploymentStatus).toBe('SUCCEEDED');
      // the creation and the one accepted update
      expect(await instanceDeployments(a)).toBe(2);
      // the stored job names no directory of either server
      const knex = knexFactory({
        client: 'pg',
        connection: PG_CONNECTION,
        searchPath: [schema],
      });
      try {
        const jobs = await knex('deployments').pluck('job');
        expect(jobs).toHaveLength(3);
        for (const job of jobs) expect(job).not.toContain(scratch);
      } finally {
        await knex.destroy();
      }

      const environments = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          [a, b][i % 2].client.send(
            new UpdateEnvironmentCommand({
              name: 'dev',
              deploymentType: 'CURRENT_VERSION',
            }),
          ),
        ),
      );
      expect(environments.filter(r => r.status === 'fulfilled')).toHaveLength(
        1,
      );
      await waitForEnvironmentStatus(a, 'dev', ['SUCCEEDED']);
    } finally {
      await a.stop();
      await b.stop();
      await dropSchema(schema);
    }
  }, 90_000);

  it('accepts one of 20 concurrent updates on SQLite', async () => {
    const test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner(),
    });
    try {
      await deployServiceFixture(test, ['sleep 1']);
      const { accepted, refused } = await concurrentInstanceUpdates([test], 20);
      expect(accepted).toHaveLength(1);
      expectConflicts(refused);
      await waitForInstanceStatus(test, 'api', 'dev', ['SUCCEEDED']);
      expect(await instanceDeployments(test)).toBe(2);
    } finally {
      await test.stop();
    }
  }, 60_000);

  it('ignores what a server reports for a deployment another server took over', async () => {
    const runner = new RecordingRunner();
    const directory = path.join(scratch, 'data');
    const test = await startTemplateTestServer({
      deploymentRunner: runner,
      database: { client: 'sqlite', directory },
    });
    try {
      await publishEnvironmentVersion(test);
      await createEnvironment(test, 'dev');
      await test.server.settled();
      const { job, reporter } = runner.last();
      expect(job.attempt).toBe(1);
      // Another server claimed it after this one's lease lapsed (say, a long garbage collection).
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(directory, 'proton-server.sqlite') },
        useNullAsDefault: true,
      });
      await knex('deployments')
        .where({ id: job.deploymentId })
        .update({ claimed_by: 'another-server', attempts: 2 });
      await knex.destroy();
      await reporter.succeeded([{ key: 'stale', valueString: 'yes' }]);
      await reporter.recordRunnerState({ buildId: 'stale' });
      const environment = await waitForEnvironmentStatus(test, 'dev', [
        'IN_PROGRESS',
      ]);
      expect(environment.deploymentStatus).toBe('IN_PROGRESS');
    } finally {
      await test.stop();
    }
  });
});

describe('leases', () => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await openProtonDatabase({
      client: 'sqlite',
      directory: ':memory:',
    });
    await knex('deployments').insert({
      id: 'd-1',
      target_arn: 'arn:aws:proton:us-east-1:000000000000:environment/dev',
      target_resource_type: 'ENVIRONMENT',
      action: 'provision',
      target_resource_created_at: 0,
      environment_name: 'dev',
      template_name: 'vpc',
      template_major: 1,
      template_minor: 0,
      deployment_status: 'IN_PROGRESS',
      target_state: '{}',
      job: '{}',
      claimed_by: 'another-server',
      lease_expires_at: databaseNowPlus(knex, 30_000),
      attempts: 1,
      created_at: 0,
      last_modified_at: 0,
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await knex.destroy();
  });

  const leases = () =>
    new DeploymentLeases(
      knex,
      {
        launch: async () => {},
        cancel: async () => {},
        abandon: async () => {},
        report: async () => {},
      },
      error => {
        throw error;
      },
      { owner: 'this-server' },
    );

  it("judges expiry by the database's clock, not the process's", async () => {
    // This process's clock runs an hour ahead: the other server's fresh lease still holds.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 3_600_000);
    expect(await leases().claim('d-1')).toBeUndefined();
    // Expired by the database's clock: claimed, even with this process's clock an hour behind.
    await knex('deployments').update({
      lease_expires_at: knex.raw(`(${databaseNow(knex).toQuery()}) - 1`),
    });
    jest.spyOn(Date, 'now').mockReturnValue(now - 3_600_000);
    expect(await leases().claim('d-1')).toBe(2);
    expect(
      await knex('deployments').where({ id: 'd-1' }).first('claimed_by'),
    ).toEqual({ claimed_by: 'this-server' });
  });
});
