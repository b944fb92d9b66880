import { createClient } from '@redis/client';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * The backend with the production settings (app-config.production.yaml): PostgreSQL and a Redis
 * cache, as they run on this project's machines at 127.0.0.1:5432 and 127.0.0.1:6379. Where they are
 * not reachable, the test is skipped and says so. It waits for the demo the backend seeds into its
 * control plane (on PostgreSQL too), reads the service's overview as a service caller, and finds the
 * overview in Redis.
 */
const ROOT = path.resolve(__dirname, '../../..');
const PG = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'test',
};
const REDIS_URL = 'redis://127.0.0.1:6379';

function reachable(port: number): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const s=require('net').connect(${port},'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000)`,
    ],
    { stdio: 'ignore' },
  );
  return probe.status === 0;
}

const services = { postgres: reachable(5432), redis: reachable(6379) };
const missing = Object.entries(services)
  .filter(([, up]) => !up)
  .map(([name]) => name);
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the production-shaped backend test: ${missing.join(
      ' and ',
    )} not reachable on 127.0.0.1`,
  );
}
const describeWithServices = missing.length ? describe.skip : describe;

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForReadiness(
  url: string,
  child: ChildProcess,
  output: () => string,
) {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `The backend exited with ${child.exitCode}:\n${output()}`,
      );
    }
    const status = await fetch(url).then(
      r => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`The backend did not become ready:\n${output()}`);
}

/** Polls `read` until it gives a value, or fails with the backend's output. */
async function eventually<T>(
  read: () => Promise<T | undefined>,
  what: string,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(`${what} did not happen:\n${output()}`);
}

describeWithServices('backend with PostgreSQL and Redis', () => {
  const prefix = `backstage_ci_${process.pid}_${Date.now()}_`;
  // this run's Redis keys are under their own namespace
  const namespace = prefix.replace(/_$/, '');
  const token = randomBytes(24).toString('hex');
  // a static token for this test's calls, as a service would call the backend
  const testConfig = path.join(os.tmpdir(), `${prefix}config.yaml`);
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise(resolve => child!.once('exit', resolve));
    }
    const pg = new Client(PG);
    await pg.connect();
    const { rows } = await pg.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await pg.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await pg.end();
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(keys);
    await redis.quit();
    fs.rmSync(testConfig, { force: true });
  }, 60_000);

  it('starts healthy, keeps its state in PostgreSQL and caches in Redis', async () => {
    // JSON is YAML
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
      }),
    );
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    let output = '';
    child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        path.join(ROOT, 'app-config.yaml'),
        '--config',
        path.join(ROOT, 'app-config.production.yaml'),
        '--config',
        testConfig,
      ],
      {
        cwd: path.join(ROOT, 'packages/backend'),
        detached: true,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          BACKSTAGE_BASE_URL: baseUrl,
          APP_CONFIG_backend_listen: `:${port}`,
          APP_CONFIG_backend_database_prefix: prefix,
          POSTGRES_HOST: PG.host,
          POSTGRES_PORT: String(PG.port),
          POSTGRES_USER: PG.user,
          POSTGRES_PASSWORD: '',
          REDIS_URL,
        },
      },
    );
    child.stdout!.on('data', d => (output += d));
    child.stderr!.on('data', d => (output += d));

    await waitForReadiness(
      `${baseUrl}/.backstage/health/v1/readiness`,
      child,
      () => output.slice(-4000),
    );

    const pg = new Client(PG);
    await pg.connect();
    const { rows } = await pg.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
      [`${prefix}%`],
    );
    await pg.end();
    expect(rows.map(r => r.datname)).toEqual(
      expect.arrayContaining([`${prefix}catalog`, `${prefix}scaffolder`]),
    );
    expect(output).not.toMatch(/redis.*(error|refused)/i);

    // The seeded service, once the catalog has it, read through the aws-proton backend plugin
    const overview = await eventually(
      async () => {
        const response = await fetch(
          `${baseUrl}/api/aws-proton/v1/entities/component/default/hello-nginx/service`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        return response.ok ? response.json() : undefined;
      },
      'The overview of the seeded service hello-nginx',
      () => output.slice(-4000),
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
