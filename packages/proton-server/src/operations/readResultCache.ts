import type { Knex } from 'knex';

/**
 * Remembers the outputs of read-only operations until the database changes. Every statement knex
 * runs that is not a SELECT (INSERT, UPDATE, DELETE, BEGIN, COMMIT, ...) moves a generation counter
 * on, before it runs; an output is kept only if no such statement started while it was computed, and
 * served only while the generation is unchanged. Exact only when this knex instance is the database's
 * sole writer and serializes its connections: SQLite as the control plane opens it (one connection,
 * one server per data directory). Never use it for PostgreSQL, where other servers write too.
 */
export class ReadResultCache {
  private generation = 0;
  private readonly entries = new Map<
    string,
    { generation: number; output: unknown }
  >();

  constructor(knex: Knex, private readonly maxEntries = 1000) {
    knex.on('query', (query: { sql?: string }) => {
      if (!/^\s*select\s/i.test(query.sql ?? '')) this.generation += 1;
    });
  }

  /** The output of `compute` for `key`, remembered while the database does not change. */
  async read(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.generation) return hit.output;
    const started = this.generation;
    const output = await compute();
    if (this.generation === started) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { generation: started, output });
    }
    return output;
  }
}
