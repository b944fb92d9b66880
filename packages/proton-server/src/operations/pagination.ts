import type { Knex } from 'knex';
import { validationError } from '../protocol/errors';

/** Page size when a List call gives no maxResults. */
export const DEFAULT_PAGE_SIZE = 100;

type KeyValue = string | number;

/**
 * Encodes where a listing stopped as an opaque token. It is standard base64, the alphabet the
 * Proton model's `NextToken` pattern allows.
 */
function encodeNextToken(listing: string, after: KeyValue[]): string {
  return Buffer.from(JSON.stringify({ l: listing, a: after }), 'utf8').toString(
    'base64',
  );
}

function decodeNextToken(
  listing: string,
  token: string,
  keyCount: number,
): KeyValue[] {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const after = decoded?.a;
    if (
      decoded?.l === listing &&
      Array.isArray(after) &&
      after.length === keyCount &&
      after.every(v => typeof v === 'string' || typeof v === 'number')
    ) {
      return after;
    }
  } catch {
    // reported below
  }
  throw validationError(`The nextToken ${token} is not valid for this request`);
}

/** Adds `(k1, k2, ...) > (v1, v2, ...)` (or `<`) to a query, spelled out so that every database runs it. */
function whereAfter(
  query: Knex.QueryBuilder,
  columns: string[],
  after: KeyValue[],
  descending: boolean,
): void {
  query.where(outer => {
    columns.forEach((column, index) => {
      outer.orWhere(inner => {
        for (let i = 0; i < index; i++) {
          inner.where(columns[i], after[i]);
        }
        inner.where(column, descending ? '<' : '>', after[index]);
      });
    });
  });
}

/**
 * Runs one page of a keyset-paginated listing: rows ordered by `keyColumns`, starting after the
 * position the nextToken names.
 *
 * @param listing - names the listing (operation and its filters), so a token from another listing
 *   is refused
 */
export async function fetchPage<Row extends Record<string, any>>(
  query: Knex.QueryBuilder,
  options: {
    listing: string;
    keyColumns: string[];
    /** Newest first: keys in descending order. */
    descending?: boolean;
    maxResults?: number;
    nextToken?: string;
  },
): Promise<{ rows: Row[]; nextToken?: string }> {
  const { listing, keyColumns } = options;
  const pageSize = options.maxResults ?? DEFAULT_PAGE_SIZE;
  if (options.nextToken) {
    whereAfter(
      query,
      keyColumns,
      decodeNextToken(listing, options.nextToken, keyColumns.length),
      !!options.descending,
    );
  }
  for (const column of keyColumns) {
    query.orderBy(column, options.descending ? 'desc' : 'asc');
  }
  const rows: Row[] = await query.limit(pageSize + 1);
  if (rows.length <= pageSize) {
    return { rows };
  }
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextToken: encodeNextToken(
      listing,
      keyColumns.map(column => last[column]),
    ),
  };
}
