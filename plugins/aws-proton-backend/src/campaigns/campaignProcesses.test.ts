import { spawn } from 'node:child_process';
import path from 'node:path';
import { ListDeploymentsCommand } from '@aws-sdk/client-proton';
import { mockCredentials } from '@backstage/backend-test-utils';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import knexFactory, { Knex } from 'knex';
import {
  catalogEntity,
  createCampaignService,
  scratchClients,
  seedWebTemplate,
  serviceSpec,
  settleDeployments,
} from '../__testUtils__/fleetFixtures';
import { PG_CONNECTION, postgresAnswers } from '../__testUtils__/testDatabase';
import { migrateCampaignStore } from './campaignStore';

/**
 * One campaign, moved on by two backend processes at once (each a `campaignWorker` in an OS process
 * of its own with its own connection pool) on one PostgreSQL database, against a real control
 * plane whose deployments this test ends as a runner would: every instance is upgraded once.
 */

jest.setTimeout(180_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const TEMPLATE = parseProtonArn(`${PREFIX}:service-template/web`);
const SERVICES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const WORKER = path.join(__dirname, '../__testUtils__/campaignWorker.ts');

const withPostgres = postgresAnswers();
if (!withPostgres) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the two-process campaign test: PostgreSQL does not answer at ${PG_CONNECTION}`,
  );
}

/** A backend process's campaign engine, running until no campaign is active. */
function startWorker(env: Record<string, string>) {
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      WORKER,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', data => (output += data));
  child.stderr.on('data', data => (output += data));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return { child, exited, output: () => output };
}

(withPostgres ? describe : describe.skip)(
  'a campaign run by two backend processes on one PostgreSQL database',
  () => {
    const schema = `campaign_processes_${process.pid}_${Date.now()}`;
    let controlPlane: ScratchControlPlane;
    let knex: Knex;

    beforeAll(async () => {
      controlPlane = await startScratchControlPlane();
      await seedWebTemplate(controlPlane, ['dev', 'prod']);
      await seedProtonResources(controlPlane.client, {
        services: SERVICES.map(name => ({
          name,
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: serviceSpec('dev', 'prod'),
        })),
      });
      await settleDeployments(controlPlane.client);
      knex = knexFactory({
        client: 'pg',
        connection: PG_CONNECTION,
        searchPath: [schema],
      });
      await knex.raw('CREATE SCHEMA ??', [schema]);
      await migrateCampaignStore(knex);
    });

    afterAll(async () => {
      await knex?.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await knex?.destroy();
      await controlPlane?.stop();
    });

    it('upgrades every instance exactly once, whichever process claims it', async () => {
      const campaigns = createCampaignService({
        knex,
        clients: scratchClients(controlPlane),
        entities: SERVICES.map(name =>
          catalogEntity('Component', name, `${PREFIX}:service/${name}`),
        ),
      });
      const started = await campaigns.start(
        TEMPLATE,
        { maxConcurrent: 4 },
        mockCredentials.user(),
      );
      const since = Date.parse(started.createdAt);
      expect(started.targets.filter(t => t.status === 'PENDING')).toHaveLength(
        12,
      );

      const env = {
        CAMPAIGN_SCHEMA: schema,
        PROTON_ENDPOINT: controlPlane.server.endpoint,
        AWS_ACCESS_KEY_ID: controlPlane.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: controlPlane.credentials.secretAccessKey,
      };
      const workers = [startWorker(env), startWorker(env)];
      let done = false;
      const bothExited = Promise.all(workers.map(w => w.exited)).finally(
        () => (done = true),
      );
      // both run before any deployment ends, so that they compete for every wave
      while (!done && !workers.every(w => w.output().startsWith('ready'))) {
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      // the runner's part: end each deployment the processes start
      while (!done) {
        await settleDeployments(controlPlane.client);
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      const codes = await bothExited;
      expect({ codes, output: workers.map(w => w.output()) }).toMatchObject({
        codes: [0, 0],
      });

      const ended = await campaigns.get(started.templateArn, started.id);
      expect([ended.status, ended.statusMessage]).toEqual([
        'SUCCEEDED',
        'Upgraded 12 service instances to 1.1',
      ]);
      // between them, the processes asked Proton for 12 upgrades: none twice
      const updates = workers.map(
        w => JSON.parse(w.output().trim().split('\n').pop()!).updates,
      );
      expect(updates[0] + updates[1]).toBe(12);
      for (const serviceName of SERVICES) {
        for (const serviceInstanceName of ['dev', 'prod']) {
          const { deployments = [] } = await controlPlane.client.send(
            new ListDeploymentsCommand({ serviceName, serviceInstanceName }),
          );
          expect({
            instance: `${serviceName}/${serviceInstanceName}`,
            upgrades: deployments.filter(d => d.createdAt!.getTime() >= since)
              .length,
          }).toEqual({
            instance: `${serviceName}/${serviceInstanceName}`,
            upgrades: 1,
          });
        }
      }
    });
  },
);
