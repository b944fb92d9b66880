import { CacheService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/**
 * Caches Proton reads through Backstage's cache service and shares one upstream fetch between
 * identical concurrent requests. A result that shows work in progress is kept only briefly, so that
 * views polling an in-progress deployment see it move.
 */
export class ProtonReadCache {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
    private readonly inProgressTtlMs = Math.min(ttlMs, 2_000),
  ) {}

  /** `T` must be plain JSON data (the overviews are): it goes through the cache store as JSON. */
  async read<T>(
    key: string,
    load: () => Promise<T>,
    isInProgress: (value: T) => boolean = () => false,
  ): Promise<T> {
    const cached = await this.cache.get(key);
    if (cached !== undefined) {
      return cached as T;
    }
    let pending = this.inflight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = (async () => {
        try {
          const value = await load();
          const ttl = isInProgress(value) ? this.inProgressTtlMs : this.ttlMs;
          if (ttl > 0) {
            await this.cache.set(key, value as unknown as JsonValue, { ttl });
          }
          return value;
        } finally {
          this.inflight.delete(key);
        }
      })();
      this.inflight.set(key, pending);
    }
    return pending;
  }

  async invalidate(keys: string[]): Promise<void> {
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
