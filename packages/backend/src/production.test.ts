import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BackendProcess,
  describeWithServices,
  dropDatabases,
  eventually,
  PG,
  PRODUCTION_CONFIGS,
  productionEnvironment,
  REDIS_URL,
  ROOT,
  startBackend,
  waitForReadiness,
  withPostgres,
} from './__testUtils__/backendProcess';

/**
 * The backend with the production settings (app-config.production.yaml): PostgreSQL and a Redis
 * cache, as they run on this project's machines at 127.0.0.1:5432 and 127.0.0.1:6379. Where they are
 * not reachable, the test is skipped and says so. On top of the production settings, this test's own
 * config seeds the demo with the simulate runner; it waits for the demo in the control plane (on
 * PostgreSQL too), reads the service's overview as a service caller, and finds the overview in Redis.
 */
describeWithServices('the production-shaped backend test', [
  'postgres',
  'redis',
])('backend with PostgreSQL and Redis', () => {
  const prefix = `backstage_ci_${process.pid}_${Date.now()}_`;
  // this run's Redis keys are under their own namespace
  const namespace = prefix.replace(/_$/, '');
  const token = randomBytes(24).toString('hex');
  const testConfig = path.join(os.tmpdir(), `${prefix}config.yaml`);
  let backend: BackendProcess | undefined;

  afterAll(async () => {
    await backend?.stop();
    await dropDatabases(prefix);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(keys);
    await redis.quit();
    fs.rmSync(testConfig, { force: true });
    // a graceful stop waits for the seeded demo's work in flight (its template syncs and simulated
    // deployments), which on a loaded machine took over a minute
  }, 180_000);

  it('starts healthy, keeps its state in PostgreSQL and caches in Redis', async () => {
    // This test's additions (JSON is YAML): a static token for its calls, as a service would call
    // the backend, and the demo, seeded with the simulate runner.
    fs.writeFileSync(
      testConfig,
      JSON.stringify({
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'production-test' },
              },
            ],
          },
          cache: { redis: { client: { namespace } } },
        },
        protonServer: {
          runner: 'simulate',
          deployments: {
            nodeModulesSources: [path.join(ROOT, 'templates/proton')],
          },
          git: {
            pollIntervalSeconds: 0,
            connections: [
              {
                arn: 'arn:aws:codestar-connections:us-east-1:000000000000:connection/proton-demo-templates',
                provider: 'GITHUB_ENTERPRISE',
                baseUrl: path.join(os.tmpdir(), `${prefix}git`),
              },
            ],
          },
        },
        protonDemo: {
          seed: true,
          templatesDirectory: path.join(ROOT, 'templates/proton'),
          gitDirectory: path.join(os.tmpdir(), `${prefix}git`),
        },
      }),
    );
    backend = await startBackend({
      configs: [...PRODUCTION_CONFIGS, testConfig],
      env: {
        ...productionEnvironment(prefix, {
          accessKeyId: `PROTONCI${randomBytes(6)
            .toString('hex')
            .toUpperCase()}`,
          secretAccessKey: randomBytes(30).toString('base64'),
        }),
        PROTON_SERVER_BUNDLES_DIRECTORY: path.join(
          os.tmpdir(),
          `${prefix}bundles`,
        ),
      },
    });
    await waitForReadiness(backend);

    const databases = await withPostgres(PG.database, async client =>
      (
        await client.query(
          'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
          [`${prefix}%`],
        )
      ).rows.map(r => r.datname),
    );
    expect(databases).toEqual(
      expect.arrayContaining([
        `${prefix}catalog`,
        `${prefix}scaffolder`,
        `${prefix}proton-server`,
      ]),
    );
    expect(backend.output()).not.toMatch(/redis.*(error|refused)/i);

    // The seeded service, once the catalog has it, read through the aws-proton backend plugin
    const overview = await eventually(
      async () => {
        const response = await fetch(
          `${
            backend!.baseUrl
          }/api/aws-proton/v1/entities/component/default/hello-nginx/service`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        return response.ok ? response.json() : undefined;
      },
      () =>
        `The overview of the seeded service hello-nginx:\n${backend!
          .output()
          .slice(-3000)}`,
    );
    expect(overview).toMatchObject({ name: 'hello-nginx' });
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const plugin = `${namespace}:aws-proton:`;
    const keys = await redis.keys(`${plugin}*`);
    await redis.quit();
    // Backstage's cache client stores each key base64-encoded under the plugin's namespace
    expect(
      keys.map(key =>
        Buffer.from(key.slice(plugin.length), 'base64').toString(),
      ),
    ).toContain('v1/000000000000/us-east-1/service/hello-nginx');
  }, 300_000);
});
