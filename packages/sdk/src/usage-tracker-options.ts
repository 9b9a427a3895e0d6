// The background tracker's settings: what can be tuned, the defaults, and the
// limits checked when a tracker is built, so a wrong setting fails at start-up
// rather than as dropped usage hours later.
import type { BulkUsageSender } from './batch-sender.js';
import type { BackoffOptions } from './retry-backoff.js';
import type { TrackUsageInput } from './types.js';
import { SYSTEM_IDENTITY, type EventIdentity } from './usage-event.js';

// The server's limit for one bulk request.
const MAX_BULK_ITEMS = 10_000;

/**
 * Told of usage that will not be delivered. Events that made it into the buffer
 * carry the idempotency key and timestamp they were given (so they can be
 * replayed later without double counting); events refused by track() arrive as given.
 */
export type UsageTrackerErrorHandler = (error: Error, events: readonly TrackUsageInput[]) => void;

export interface UsageTrackerOptions {
  readonly client: BulkUsageSender;
  /** Send as soon as this many events are buffered; also the most events per round. Default 500, at most 10,000. */
  readonly maxBatchSize?: number;
  /** Send whatever is buffered at least this often. Default 1 s. */
  readonly flushIntervalMs?: number;
  /** Beyond this, the oldest buffered events are dropped (and reported). Default 100,000. */
  readonly maxBufferedEvents?: number;
  /** Tries per batch, the first send included. Default 8. */
  readonly maxAttempts?: number;
  /** Bulk requests in flight at once when a round spans many organizations. Default 4. */
  readonly maxConcurrentRequests?: number;
  readonly backoff?: BackoffOptions;
  /** Told of every event that will not be delivered, and why. Must not throw (if it does, that is ignored). */
  readonly onError?: UsageTrackerErrorHandler;
  /** Clock and key source; tests pin them. Defaults to the system clock and crypto.randomUUID. */
  readonly identity?: EventIdentity;
}

export interface UsageTrackerSettings {
  readonly client: BulkUsageSender;
  readonly maxBatchSize: number;
  readonly flushIntervalMs: number;
  readonly maxBufferedEvents: number;
  readonly maxAttempts: number;
  readonly maxConcurrentRequests: number;
  readonly backoff: BackoffOptions;
  readonly onError: UsageTrackerErrorHandler;
  readonly identity: EventIdentity;
}

export function trackerSettings(options: UsageTrackerOptions): UsageTrackerSettings {
  if (!options?.client || typeof options.client.trackBulkUsage !== 'function') {
    throw new TypeError('UsageTracker needs a client with trackBulkUsage (a UsageMeteringClient)');
  }
  return {
    client: options.client,
    maxBatchSize: whole('maxBatchSize', options.maxBatchSize ?? 500, 1, MAX_BULK_ITEMS),
    // setInterval cannot wait longer than 2^31 − 1 ms.
    flushIntervalMs: whole('flushIntervalMs', options.flushIntervalMs ?? 1_000, 1, 2 ** 31 - 1),
    maxBufferedEvents: whole('maxBufferedEvents', options.maxBufferedEvents ?? 100_000, 1, Number.MAX_SAFE_INTEGER),
    maxAttempts: whole('maxAttempts', options.maxAttempts ?? 8, 1, 1_000),
    maxConcurrentRequests: whole('maxConcurrentRequests', options.maxConcurrentRequests ?? 4, 1, 1_000),
    backoff: options.backoff ?? {},
    onError: options.onError ?? warnAboutDroppedUsage,
    identity: options.identity ?? SYSTEM_IDENTITY,
  };
}

/** Without an onError, dropped usage is still visible: as a process warning. */
function warnAboutDroppedUsage(error: Error, events: readonly TrackUsageInput[]): void {
  const what = events.length > 0 ? `dropped ${events.length} usage event(s)` : 'could not record usage';
  process.emitWarning(`Tally usage tracker ${what}: ${error.message}`, { type: 'TallyUsageWarning', code: error.name });
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
