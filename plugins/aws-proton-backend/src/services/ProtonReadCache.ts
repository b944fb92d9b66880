import { CacheService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/**
 * Caches Proton reads through Backstage's cache service and shares one upstream fetch between
 * identical concurrent requests. A result that shows work in progress is kept only briefly, so that
 * views polling an in-progress deployment see it move.
 */
export class ProtonReadCache {
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Loads that an invalidation overtook: their results are answered, never kept. */
  private readonly overtaken = new WeakSet<Promise<unknown>>();

  constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
    private readonly inProgressTtlMs = Math.min(ttlMs, 2_000),
  ) {}

  /**
   * The cached value of `key`, or else what `load` gives (shared with identical reads meanwhile).
   * The value is answered as soon as it is loaded; it is written to the cache store afterwards, off
   * the reader's path (a store that cannot be written only costs the next read an upstream call),
   * and not at all when {@link ProtonReadCache.invalidate} came while it loaded: it may predate
   * the change.
   *
   * `T` must be plain JSON data (the overviews are): it goes through the cache store as JSON.
   */
  async read<T>(
    key: string,
    load: () => Promise<T>,
    isInProgress: (value: T) => boolean = () => false,
  ): Promise<T> {
    const cached = await this.cache.get(key);
    if (cached !== undefined) {
      return cached as T;
    }
    const pending = this.inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const loading = load();
    this.inflight.set(key, loading);
    loading
      .then(
        async value => {
          // after the reader's own continuation (the response), not before it
          await new Promise(resolve => setImmediate(resolve));
          const ttl = isInProgress(value) ? this.inProgressTtlMs : this.ttlMs;
          if (ttl <= 0 || this.overtaken.has(loading)) return;
          await this.cache.set(key, value as unknown as JsonValue, { ttl });
          // an invalidation while the store wrote it: take it out again
          if (this.overtaken.has(loading)) await this.cache.delete(key);
        },
        () => undefined, // the reader gets the error; nothing is kept
      )
      // a store that cannot be written only costs the next read an upstream call
      .catch(() => undefined)
      .finally(() => {
        if (this.inflight.get(key) === loading) this.inflight.delete(key);
      });
    return loading;
  }

  /**
   * Drops `keys` from the cache after a change: loads still running for them are not kept, and the
   * next read of each loads again instead of sharing one that started before the change.
   */
  async invalidate(keys: string[]): Promise<void> {
    for (const key of keys) {
      const pending = this.inflight.get(key);
      if (pending) {
        this.overtaken.add(pending);
        this.inflight.delete(key);
      }
    }
    await Promise.all(keys.map(key => this.cache.delete(key)));
  }
}

/** Cache keys of the reads a mutation can change. */
export const cacheKeys = {
  service: (accountId: string, region: string, name: string) =>
    `v1/${accountId}/${region}/service/${name}`,
  environment: (accountId: string, region: string, name: string) =>
    `v1/${accountId}/${region}/environment/${name}`,
  template: (
    accountId: string,
    region: string,
    kind: 'service' | 'environment',
    name: string,
  ) => `v1/${accountId}/${region}/${kind}-template/${name}`,
  templateFleet: (
    accountId: string,
    region: string,
    kind: 'service' | 'environment',
    name: string,
  ) => `v1/${accountId}/${region}/fleet/${kind}-template/${name}`,
  serviceInstanceDeployments: (
    accountId: string,
    region: string,
    service: string,
    instance: string,
  ) => `v1/${accountId}/${region}/deployments/service/${service}/${instance}`,
  servicePipelineDeployments: (
    accountId: string,
    region: string,
    service: string,
  ) => `v1/${accountId}/${region}/deployments/pipeline/${service}`,
  environmentDeployments: (accountId: string, region: string, name: string) =>
    `v1/${accountId}/${region}/deployments/environment/${name}`,
};
