import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** Whether the database behind a knex client is PostgreSQL (otherwise SQLite). */
export function isPostgres(db: Db): boolean {
  const client = db.client as {
    dialect?: string;
    config?: { client?: unknown };
  };
  return /postgres|^pg$/.test(String(client.dialect ?? client.config?.client));
}

/**
 * The database's own clock, in epoch milliseconds, as an SQL expression. Leases are judged by it,
 * never by the clock of the process that reads them, so servers whose clocks drift apart still agree
 * on whether a lease has expired. PostgreSQL's `clock_timestamp()` is the time of the statement (not
 * of the transaction); SQLite's `julianday('now')` is the host's, which is the only one there is.
 */
export function databaseNow(db: Db): Knex.Raw {
  return db.raw(nowExpression(db));
}

/** `databaseNow(db) + ms`, for a lease expiry. */
export function databaseNowPlus(db: Db, ms: number): Knex.Raw {
  return db.raw(`(${nowExpression(db)}) + ?`, [Math.round(ms)]);
}

function nowExpression(db: Db): string {
  return isPostgres(db)
    ? 'CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)'
    : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

/**
 * Locks the rows a query selects until the transaction ends (`SELECT ... FOR UPDATE`), so that
 * read-then-write sequences of concurrent transactions run one after the other. SQLite has a single
 * writer per database and serializes write transactions by itself, so nothing is added there.
 */
export function forUpdate<T extends Knex.QueryBuilder>(db: Db, query: T): T {
  return isPostgres(db) ? (query.forUpdate() as T) : query;
}

/**
 * True for errors PostgreSQL raises when it aborted a transaction to resolve a deadlock or a
 * serialization conflict (SQLSTATE 40P01, 40001): running the transaction again is correct.
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '40P01' || code === '40001';
}

/** How often a transaction PostgreSQL aborted to break a deadlock is run, in all. */
const MAX_TRANSACTION_ATTEMPTS = 3;

/**
 * Runs `transaction` (which must start a whole transaction of its own) again when PostgreSQL aborted
 * it to break a deadlock with a concurrent one, up to three times in all.
 */
export async function retryOnDeadlock<T>(
  transaction: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (
        attempt >= MAX_TRANSACTION_ATTEMPTS ||
        !isRetryableTransactionError(error)
      ) {
        throw error;
      }
    }
  }
}
