import { CacheManager } from '@backstage/backend-defaults/cache';
import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ProtonReadCache } from './ProtonReadCache';

function memoryCache() {
  return CacheManager.fromConfig(
    new ConfigReader({ backend: { cache: { store: 'memory' } } }),
  ).forPlugin('aws-proton');
}

/** A promise with its resolve and reject, for a load or a write the test ends itself. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the writes that wait for the readers' continuations (setImmediate) run. */
const afterReaders = () =>
  new Promise(resolve => setImmediate(resolve)).then(
    () => new Promise(resolve => setImmediate(resolve)),
  );

/** The memory cache, with its writes going through `set`. */
function cacheWithWrites(set: CacheService['set']): CacheService {
  const store = memoryCache();
  return {
    get: key => store.get(key),
    delete: key => store.delete(key),
    withOptions: () => {
      throw new Error('not used');
    },
    set: (key, value, options) =>
      set(key, value, options).then(() => store.set(key, value, options)),
  };
}

describe('ProtonReadCache', () => {
  it('answers as soon as the value is loaded, before the cache store has written it', async () => {
    const written = deferred<void>();
    const set = jest.fn(() => written.promise);
    const cache = new ProtonReadCache(cacheWithWrites(set), 30_000);
    let calls = 0;
    const load = async () => ({ n: ++calls });
    // the store never finishes this write while the reads are answered
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    await afterReaders();
    expect(set).toHaveBeenCalledTimes(1);
    written.resolve();
    await afterReaders();
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    expect(calls).toBe(1);
  });

  it('answers a load that an invalidation overtook, keeps none of it, and loads again for later reads', async () => {
    const cache = new ProtonReadCache(memoryCache(), 30_000);
    const loads = [deferred<{ n: number }>(), deferred<{ n: number }>()];
    let calls = 0;
    const load = () => loads[calls++].promise;
    const before = cache.read('k', load);
    await afterReaders();
    // an upgrade changed what the load is reading
    await cache.invalidate(['k']);
    const after = cache.read('k', load);
    await afterReaders();
    expect(calls).toBe(2);
    // the load from before the change ends last: were it kept, it would be what later reads get
    loads[1].resolve({ n: 2 });
    expect(await after).toEqual({ n: 2 });
    await afterReaders();
    loads[0].resolve({ n: 1 });
    expect(await before).toEqual({ n: 1 });
    await afterReaders();
    expect(await cache.read('k', load)).toEqual({ n: 2 });
    expect(calls).toBe(2);
  });

  it('answers when the cache store cannot be written, and reads upstream again next time', async () => {
    const cache = new ProtonReadCache(
      cacheWithWrites(() => Promise.reject(new Error('cache down'))),
      30_000,
    );
    let calls = 0;
    const load = async () => ({ n: ++calls });
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    await afterReaders();
    expect(await cache.read('k', load)).toEqual({ n: 2 });
  });

  it('shares one upstream fetch between identical concurrent reads, then serves the cache', async () => {
    const cache = new ProtonReadCache(memoryCache(), 30_000);
    let calls = 0;
    const load = async () => {
      calls += 1;
      await new Promise(resolve => setTimeout(resolve, 20));
      return { n: calls };
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => cache.read('k', load)),
    );
    expect(new Set(results.map(r => r.n))).toEqual(new Set([1]));
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    expect(calls).toBe(1);
    await cache.invalidate(['k']);
    expect(await cache.read('k', load)).toEqual({ n: 2 });
  });

  it('keeps an in-progress result only briefly', async () => {
    const cache = new ProtonReadCache(memoryCache(), 30_000, 30);
    let calls = 0;
    const load = async () => ({ inProgress: true, n: ++calls });
    await cache.read('k', load, v => v.inProgress);
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(await cache.read('k', load, v => v.inProgress)).toEqual({
      inProgress: true,
      n: 2,
    });
  });

  it('does not keep a failed read', async () => {
    const cache = new ProtonReadCache(memoryCache(), 30_000);
    await expect(
      cache.read('k', async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
    expect(await cache.read('k', async () => 'up')).toBe('up');
  });
});
