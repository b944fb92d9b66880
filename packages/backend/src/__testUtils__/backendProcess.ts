import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

/** The repository's root, where the app-config files are. */
export const ROOT = path.resolve(__dirname, '../../../..');

/** The PostgreSQL server of this project's machines (trust auth). */
export const PG = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'test',
};

/** The Redis server of this project's machines. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

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

/**
 * `describe`, or `describe.skip` with a warning saying which of PostgreSQL and Redis is not
 * reachable on 127.0.0.1.
 */
export function describeWithServices(
  what: string,
  needs: Array<'postgres' | 'redis'>,
): jest.Describe {
  const missing = needs.filter(
    name => !reachable(name === 'postgres' ? PG.port : 6379),
  );
  if (missing.length) {
    // eslint-disable-next-line no-console
    console.warn(
      `Skipping ${what}: ${missing.join(' and ')} not reachable on 127.0.0.1`,
    );
    return describe.skip;
  }
  return describe;
}

export async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A backend process started by a test. */
export interface BackendProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** Stops it (SIGTERM, or SIGKILL for a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `packages/backend` with the given config files (absolute paths, in order) and environment,
 * on a free port (`BACKSTAGE_BASE_URL`); does not wait for it to be ready.
 */
export async function startBackend(options: {
  configs: string[];
  env: Record<string, string>;
}): Promise<BackendProcess> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...options.configs.flatMap(config => ['--config', config]),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      detached: true,
      env: {
        ...process.env,
        BACKSTAGE_BASE_URL: baseUrl,
        APP_CONFIG_backend_listen: `:${port}`,
        ...options.env,
      },
    },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return {
    child,
    baseUrl,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, signal);
        await exited;
      }
    },
  };
}

/** Waits until the backend answers its readiness check, or fails with its output. */
export async function waitForReadiness(
  backend: BackendProcess,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.child.exitCode !== null) {
      throw new Error(
        `The backend exited with ${backend.child.exitCode}:\n${backend
          .output()
          .slice(-4000)}`,
      );
    }
    const status = await fetch(
      `${backend.baseUrl}/.backstage/health/v1/readiness`,
    ).then(
      r => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `The backend did not become ready:\n${backend.output().slice(-4000)}`,
  );
}

/** Polls `read` until it gives a value, or fails naming `what` (a text, or what makes it then). */
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  what: string | (() => string),
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `${typeof what === 'string' ? what : what()} did not happen within ${
      timeoutMs / 1000
    } s`,
  );
}

/** Runs `task` with a client of PostgreSQL's database `database`. */
export async function withPostgres<T>(
  database: string,
  task: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ ...PG, database });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** Drops the databases a test's backends created under `prefix`. */
export async function dropDatabases(prefix: string): Promise<void> {
  await withPostgres(PG.database, async client => {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}

/**
 * The environment app-config.production.yaml reads: this run's databases under `prefix`, the Redis
 * server, NODE_ENV production and, when given, the control plane's key pair.
 */
export function productionEnvironment(
  prefix: string,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    APP_CONFIG_backend_database_prefix: prefix,
    POSTGRES_HOST: PG.host,
    POSTGRES_PORT: String(PG.port),
    POSTGRES_USER: PG.user,
    POSTGRES_PASSWORD: '',
    REDIS_URL,
    ...(credentials
      ? {
          PROTON_SERVER_ACCESS_KEY_ID: credentials.accessKeyId,
          PROTON_SERVER_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        }
      : {}),
  };
}

/** The production settings, the files in the order they are loaded. */
export const PRODUCTION_CONFIGS = [
  path.join(ROOT, 'app-config.yaml'),
  path.join(ROOT, 'app-config.production.yaml'),
];
