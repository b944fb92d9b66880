import { openProtonDatabase } from '../store/database';
import { ReadResultCache } from './readResultCache';

describe('ReadResultCache', () => {
  it('serves a remembered read until any statement other than a SELECT runs', async () => {
    const knex = await openProtonDatabase({
      client: 'sqlite',
      directory: ':memory:',
    });
    try {
      const cache = new ReadResultCache(knex);
      let computed = 0;
      const read = () =>
        cache.read('templates', async () => {
          computed += 1;
          return (await knex('templates').select('name')).map(r => r.name);
        });
      expect(await read()).toEqual([]);
      expect(await read()).toEqual([]);
      expect(computed).toBe(1);
      await knex.transaction(trx =>
        trx('templates').insert({
          kind: 'service',
          name: 'web',
          created_at: 1,
          last_modified_at: 1,
        }),
      );
      expect(await read()).toEqual(['web']);
      expect(computed).toBe(2);

      // A write that starts while a read is computed: the read is not remembered.
      await cache.read('racing', async () => {
        const rows = await knex('templates').select('name');
        await knex('templates').update({ description: 'changed' });
        return rows;
      });
      let again = 0;
      await cache.read('racing', async () => {
        again += 1;
        return [];
      });
      expect(again).toBe(1);
    } finally {
      await knex.destroy();
    }
  });
});
