import { mockServices } from '@backstage/backend-test-utils';
import { spawnSync } from 'node:child_process';
import knexFactory, { Knex } from 'knex';

/**
 * The plugin's database for the test backends of one test file: an in-memory SQLite database the
 * file closes when it ends (the default database service of a test backend leaves its connection
 * pool, and the pool's timers, open).
 */
export function testDatabaseFactory() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  afterAll(() => knex.destroy());
  return mockServices.database.factory({ knex });
}

/** A database the campaign tests run on, and how a second backend process connects to it. */
export interface TestDatabase {
  name: string;
  /** A connection pool of its own, as another backend process has; the database is the same. */
  connect(): Knex;
  /** Closes every pool and drops what the test created. */
  close(): Promise<void>;
}

export const PG_CONNECTION = 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers a query at {@link PG_CONNECTION} (trust auth, database `test`). */
export function postgresAnswers(): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const client = new Client({ connectionString: ${JSON.stringify(
         PG_CONNECTION,
       )}, connectionTimeoutMillis: 2000 });
       client.connect().then(() => client.query('SELECT 1')).then(() => process.exit(0), () => process.exit(1));`,
    ],
    { stdio: 'ignore', timeout: 10_000 },
  );
  return probe.status === 0;
}

function sqlite(): TestDatabase {
  // one in-memory database lives in one connection: every "process" shares it
  let knex: Knex | undefined;
  return {
    name: 'SQLite',
    connect() {
      knex ??= knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
      return knex;
    },
    close: async () => knex?.destroy(),
  };
}

function postgres(): TestDatabase {
  const schema = `campaigns_test_${process.pid}_${Date.now()}`;
  const pools: Knex[] = [];
  return {
    name: 'PostgreSQL',
    connect() {
      const knex = knexFactory({
        client: 'pg',
        connection: PG_CONNECTION,
        searchPath: [schema],
        pool: {
          min: 0,
          max: 4,
          afterCreate: (connection: any, done: (error?: Error) => void) =>
            connection.query(
              `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
              // two connections creating it at once: one of them finds it made
              (error?: Error) =>
                done(
                  error && !/already exists|duplicate key/.test(error.message)
                    ? error
                    : undefined,
                ),
            ),
        },
      });
      pools.push(knex);
      return knex;
    },
    async close() {
      if (pools.length > 0) {
        await pools[0].raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      }
      for (const pool of pools) await pool.destroy();
    },
  };
}

/**
 * The databases a test that needs one runs on: SQLite in memory, as by default, and PostgreSQL
 * (127.0.0.1:5432, database `test`, a schema of the test's own) where it answers a query. Where it
 * does not, the PostgreSQL run is left out with a warning saying so.
 */
export function testDatabases(): TestDatabase[] {
  if (postgresAnswers()) return [sqlite(), postgres()];
  // eslint-disable-next-line no-console
  console.warn(
    `PostgreSQL does not answer at ${PG_CONNECTION}: the tests run on SQLite only`,
  );
  return [sqlite()];
}
