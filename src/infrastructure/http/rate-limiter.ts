// A token bucket per API key: each key may make `ratePerSecond` requests per
// second on average and a burst of as many at once. A refused request is told
// when the next token arrives (Retry-After), so well-behaved clients back off
// exactly as long as needed.

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until a request would be allowed (0 when allowed). */
  readonly retryAfterSeconds: number;
}

export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    // At least one whole token, or a rate below 1/s could never let a request through.
    this.capacity = Math.max(1, ratePerSecond);
  }

  take(key: string): RateDecision {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAtMs: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.updatedAtMs) / 1000) * this.ratePerSecond);
    bucket.updatedAtMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)) };
  }
}
