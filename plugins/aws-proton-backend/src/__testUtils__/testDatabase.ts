import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';

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
