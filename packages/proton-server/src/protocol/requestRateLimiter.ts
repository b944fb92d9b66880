import { ProtonApiError } from './errors';

/**
 * A request rate per access key: a token bucket that refills `requestsPerSecond` tokens a second
 * and holds at most `burst`.
 *
 * @public
 */
export interface RequestRateLimit {
  /** The sustained rate: tokens added to each access key's bucket per second. */
  requestsPerSecond: number;
  /** The bucket's size: how many requests an access key may make at once after being idle. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Throttles each access key to a request rate, answering excess requests with a ThrottlingException
 * (429) that the AWS SDKs retry with backoff.
 */
export class RequestRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RequestRateLimit,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Takes one request from the access key's bucket, or throws ThrottlingException. */
  take(accessKeyId: string): void {
    const now = this.clock();
    const bucket = this.buckets.get(accessKeyId) ?? {
      tokens: this.limit.burst,
      updatedAt: now,
    };
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens +
        ((now - bucket.updatedAt) / 1000) * this.limit.requestsPerSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(accessKeyId, bucket);
    if (bucket.tokens < 1) {
      throw new ProtonApiError('ThrottlingException', 'Rate exceeded');
    }
    bucket.tokens -= 1;
  }
}
