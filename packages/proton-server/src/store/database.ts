import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { protonMigrationSource } from './migrations';

/**
 * Where the control plane keeps its state: a SQLite file in a directory (the default), an in-memory
 * SQLite database (`':memory:'`, for tests), or PostgreSQL.
 *
 * @public
 */
export type ProtonDatabaseOptions =
  | { client: 'sqlite'; directory: string | ':memory:' }
  /** A knex client someone else owns (e.g. a Backstage plugin's database); not closed on stop. */
  | { client: 'knex'; knex: Knex }
  | {
      client: 'pg';
      /** A connection string or knex connection object. */
      connection: string | Knex.PgConnectionConfig;
      /** A schema to create and use instead of `public`. */
      schema?: string;
    };

/** The file name of the SQLite database inside the data directory. */
export const SQLITE_FILE_NAME = 'proton-server.sqlite';

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
}

/** How many prepared statements a SQLite connection keeps. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes a better-sqlite3 connection reuse prepared statements: knex prepares every query anew, which
 * is most of the cost of a simple read. Safe because knex runs statements to completion at once
 * (`all`/`run`), never leaving one iterating; SQLite re-prepares a cached statement itself after a
 * schema change.
 */
function cachePreparedStatements(connection: SqliteConnection): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

function sqliteConfig(directory: string): Knex.Config {
  let filename = ':memory:';
  if (directory !== ':memory:') {
    fs.mkdirSync(directory, { recursive: true });
    filename = path.join(directory, SQLITE_FILE_NAME);
  }
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite serializes writers anyway, and ':memory:' is per connection.
    pool: {
      min: 1,
      max: 1,
      afterCreate(
        connection: SqliteConnection,
        done: (error: Error | null, connection: unknown) => void,
      ) {
        connection.pragma('foreign_keys = ON');
        connection.pragma('journal_mode = WAL');
        cachePreparedStatements(connection);
        done(null, connection);
      },
    },
  };
}

/**
 * Opens the database and brings its schema up to date.
 */
export async function openProtonDatabase(
  options: ProtonDatabaseOptions,
): Promise<Knex> {
  let knex: Knex;
  if (options.client === 'knex') {
    await options.knex.migrate.latest({
      migrationSource: protonMigrationSource,
      tableName: 'proton_server_migrations',
    });
    return options.knex;
  }
  if (options.client === 'sqlite') {
    knex = knexFactory(sqliteConfig(options.directory));
  } else {
    knex = knexFactory({
      client: 'pg',
      connection: options.connection,
      searchPath: options.schema ? [options.schema] : undefined,
      pool: { min: 0, max: 10 },
    });
    if (options.schema) {
      await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [options.schema]);
    }
  }
  try {
    await knex.migrate.latest({
      migrationSource: protonMigrationSource,
      tableName: 'proton_server_migrations',
      schemaName: options.client === 'pg' ? options.schema : undefined,
    });
  } catch (error) {
    await knex.destroy();
    throw error;
  }
  return knex;
}

/** True when a database error is a violated unique or primary key constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
