import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { ProtonReadCache } from './ProtonReadCache';

function memoryCache() {
  return CacheManager.fromConfig(
    new ConfigReader({ backend: { cache: { store: 'memory' } } }),
  ).forPlugin('aws-proton');
}

describe('ProtonReadCache', () => {
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
