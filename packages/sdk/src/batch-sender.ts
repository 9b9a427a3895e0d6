// Sends one organization's batch of buffered usage as one bulk request, and
// decides what a failure means: retry the very same items (same idempotency
// keys, so the server never counts one twice) after a network fault, a timeout,
// 408, 429 or 5xx; give up on a batch the server will never accept; and when the
// server refused the bulk because of particular items, drop just those and send
// the rest again. A hard quota's refusal (QuotaExceededError, 403) is final for
// the items it names: resending them would be refused again until the window
// resets, so they go to onError at once and the other items are sent again.
import { blamedItemIndexes } from './bulk-rejection.js';
import { isRetryableError, TallyApiError, TallyNetworkError } from './errors.js';
import { backoffDelayMs, type BackoffOptions } from './retry-backoff.js';
import { TrackerShutDownError } from './tracker-errors.js';
import type { BulkUsageItem, RequestOptions, TrackBulkUsageResult } from './types.js';
import { toBulkItem, type QueuedUsageEvent } from './usage-event.js';

/** The one client call the tracker needs; a UsageMeteringClient has it, and so can a test double. */
export interface BulkUsageSender {
  trackBulkUsage(organizationId: string, items: readonly BulkUsageItem[], options?: RequestOptions): Promise<TrackBulkUsageResult>;
}

export interface BatchOutcomes {
  sent(events: readonly QueuedUsageEvent[], duplicates: number): void;
  dropped(error: Error, events: readonly QueuedUsageEvent[]): void;
  retried(): void;
}

export interface BatchSendPolicy {
  readonly client: BulkUsageSender;
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  /** Aborted when a shutdown deadline passes: stop waiting, stop sending. */
  readonly signal: AbortSignal;
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly outcomes: BatchOutcomes;
}

export async function sendOrganizationBatch(
  organizationId: string,
  events: readonly QueuedUsageEvent[],
  policy: BatchSendPolicy,
): Promise<void> {
  const { client, outcomes, signal } = policy;
  let remaining = events;
  let attempt = 0;
  // After a timeout or a 5xx the server may have recorded the bulk; anyone told of a drop should know.
  let outcomeUnknown = false;

  while (remaining.length > 0) {
    if (signal.aborted) {
      outcomes.dropped(cutOff(outcomeUnknown), remaining);
      return;
    }
    attempt += 1;
    try {
      const result = await client.trackBulkUsage(organizationId, remaining.map(toBulkItem), { signal });
      outcomes.sent(remaining, typeof result?.duplicates === 'number' ? result.duplicates : 0);
      return;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      if (signal.aborted) {
        outcomes.dropped(cutOff(true), remaining);
        return;
      }
      if (error instanceof TallyApiError && !error.retryable) {
        const blamed = blamedItemIndexes(error, remaining);
        if (blamed.size === 0 || blamed.size === remaining.length) {
          outcomes.dropped(error, remaining);
          return;
        }
        outcomes.dropped(error, remaining.filter((_, index) => blamed.has(index)));
        remaining = remaining.filter((_, index) => !blamed.has(index));
        // The server recorded nothing, so the resend is a new request, not a retry; each round
        // removes at least one item, so this ends.
        attempt -= 1;
        continue;
      }
      if (!isRetryableError(error) || attempt >= policy.maxAttempts) {
        outcomes.dropped(error, remaining);
        return;
      }
      outcomeUnknown ||= error instanceof TallyNetworkError || (error instanceof TallyApiError && error.status >= 500);
      outcomes.retried();
      const retryAfter = error instanceof TallyApiError ? error.retryAfterSeconds : undefined;
      await policy.wait(backoffDelayMs(attempt, retryAfter, policy.backoff), signal);
    }
  }
}

function cutOff(mayHaveBeenRecorded: boolean): TrackerShutDownError {
  return new TrackerShutDownError(
    mayHaveBeenRecorded
      ? 'the shutdown deadline passed before the server acknowledged these events; it may or may not have recorded them'
      : 'the shutdown deadline passed before these events were sent',
    mayHaveBeenRecorded,
  );
}
