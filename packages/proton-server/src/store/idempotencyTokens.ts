import type { Knex } from 'knex';

/** How long a client token is remembered, as AWS Proton does: 8 hours. */
export const IDEMPOTENCY_WINDOW_MS = 8 * 60 * 60 * 1000;

/** A remembered request: the hash of its parameters and the response it got. */
export interface IdempotencyRecord {
  requestHash: string;
  response: unknown;
}

/**
 * Finds the response remembered for an operation's client token, forgetting it first when it is
 * older than the idempotency window.
 */
export async function findIdempotencyRecord(
  db: Knex | Knex.Transaction,
  operation: string,
  token: string,
  now: Date,
): Promise<IdempotencyRecord | undefined> {
  await db('idempotency_tokens')
    .where({ operation, token })
    .andWhere('created_at', '<', now.getTime() - IDEMPOTENCY_WINDOW_MS)
    .delete();
  const row = await db('idempotency_tokens')
    .where({ operation, token })
    .first();
  if (!row) return undefined;
  return {
    requestHash: row.request_hash,
    response: JSON.parse(row.response),
  };
}

/** Remembers the response an operation gave for a client token. */
export async function saveIdempotencyRecord(
  db: Knex | Knex.Transaction,
  operation: string,
  token: string,
  record: IdempotencyRecord,
  now: Date,
): Promise<void> {
  await db('idempotency_tokens').insert({
    operation,
    token,
    request_hash: record.requestHash,
    response: JSON.stringify(record.response),
    created_at: now.getTime(),
  });
}
