import net from 'node:net';
import knexFactory from 'knex';

/** Where PostgreSQL tests connect; PROTON_SERVER_TEST_PG=skip where there is no PostgreSQL. */
export const PG_SETTING = process.env.PROTON_SERVER_TEST_PG;

/** The connection string of the PostgreSQL tests. */
export const PG_CONNECTION =
  PG_SETTING && PG_SETTING !== 'skip'
    ? PG_SETTING
    : 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL accepts connections at {@link PG_CONNECTION}. */
export function postgresReachable(): Promise<boolean> {
  const url = new URL(PG_CONNECTION);
  return new Promise(resolve => {
    const socket = net.connect(Number(url.port || 5432), url.hostname);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Drops a schema the test created. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: PG_CONNECTION });
  await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  await admin.destroy();
}

/**
 * Whether a PostgreSQL test should run: false (with a warning) where PROTON_SERVER_TEST_PG=skip;
 * otherwise PostgreSQL must be reachable, and the test fails when it is not.
 */
export async function postgresTestEnabled(): Promise<boolean> {
  if (PG_SETTING === 'skip') {
    // eslint-disable-next-line no-console
    console.warn('PROTON_SERVER_TEST_PG=skip: the PostgreSQL test did not run');
    return false;
  }
  expect(await postgresReachable()).toBe(true);
  return true;
}
