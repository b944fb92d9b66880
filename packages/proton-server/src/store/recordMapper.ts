/** How one record field is stored. */
export type ColumnKind = 'text' | 'number' | 'date' | 'json';

/**
 * Maps records to rows and back from a list of `[field, column, kind]`: dates are stored as epoch
 * milliseconds, JSON as text; absent fields are stored as NULL and read back as absent.
 */
export interface RecordMapper<T> {
  toRow(record: Partial<T>): Record<string, unknown>;
  fromRow(row: Record<string, any>): T;
}

/** Creates a {@link RecordMapper}. */
export function createRecordMapper<T>(
  columns: Array<[keyof T & string, string, ColumnKind?]>,
): RecordMapper<T> {
  return {
    toRow(record) {
      const row: Record<string, unknown> = {};
      for (const [field, column, kind = 'text'] of columns) {
        if (!(field in record)) continue;
        const value = record[field] as unknown;
        if (value === undefined || value === null) {
          row[column] = null;
        } else if (kind === 'date') {
          row[column] = (value as Date).getTime();
        } else if (kind === 'json') {
          row[column] = JSON.stringify(value);
        } else {
          row[column] = value;
        }
      }
      return row;
    },
    fromRow(row) {
      const record: Record<string, unknown> = {};
      for (const [field, column, kind = 'text'] of columns) {
        const value = row[column];
        if (value === null || value === undefined) continue;
        if (kind === 'date') {
          record[field] = new Date(Number(value));
        } else if (kind === 'number') {
          record[field] = Number(value);
        } else if (kind === 'json') {
          record[field] = JSON.parse(value);
        } else {
          record[field] = value;
        }
      }
      return record as T;
    },
  };
}
