// How long the background tracker waits before sending a failed batch again.
// Exponential backoff with full jitter, so many processes that lost the server
// at the same moment do not come back in lock-step; when the server said how
// long to wait (Retry-After on a 429 or 503) that wins, because it knows its load.

export interface BackoffOptions {
  /** The first retry waits up to this long. Default 200 ms. */
  readonly baseMs?: number;
  /** No computed wait is longer. Default 30 s. */
  readonly capMs?: number;
  /** A Retry-After longer than this is shortened to it, so a broken header cannot park the tracker. Default 5 min. */
  readonly maxRetryAfterMs?: number;
  /** Returns a number in [0, 1); injectable so tests can pin the jitter. */
  readonly random?: () => number;
}

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 200, capMs: 30_000, maxRetryAfterMs: 5 * 60_000 });

/**
 * The wait before retry number `retry` (1 for the first retry).
 * `retryAfterSeconds` is the server's own request, when it made one.
 */
export function backoffDelayMs(retry: number, retryAfterSeconds: number | undefined, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const capMs = options.capMs ?? DEFAULT_BACKOFF.capMs;
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, options.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs);
  }
  const random = options.random ?? Math.random;
  // 2 ** 60 is already far above any cap; stopping there keeps the arithmetic finite.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 60));
  return Math.floor(random() * ceiling);
}
