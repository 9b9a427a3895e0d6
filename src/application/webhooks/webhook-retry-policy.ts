// How long and how often a delivery is tried: each attempt has a timeout; a
// non-2xx answer or a network error is tried again after a wait that doubles
// up to a ceiling, until the delivery is as old as `giveUpAfterMs` (3 days),
// and then it is marked failed. Operators and tests may shorten every figure.
export interface WebhookRetryPolicy {
  /** How long one attempt may take, connection and answer included. */
  readonly attemptTimeoutMs: number;
  /** The wait before the first retry; each next wait is twice the last, up to `maximumIntervalMs`. */
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** From the first attempt: after this, no new attempt starts and the delivery is failed. */
  readonly giveUpAfterMs: number;
}

export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = {
  attemptTimeoutMs: 10_000,
  initialIntervalMs: 60_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 6 * 60 * 60_000,
  giveUpAfterMs: 3 * 24 * 60 * 60_000,
};

/**
 * When each attempt starts, in ms after the first, for a receiver that never
 * answers 2xx and answers at once (a timeout adds its time to each attempt).
 */
export function attemptSchedule(policy: WebhookRetryPolicy): number[] {
  const starts = [0];
  let wait = policy.initialIntervalMs;
  for (;;) {
    const next = starts[starts.length - 1] + wait;
    if (next >= policy.giveUpAfterMs) return starts;
    starts.push(next);
    wait = Math.min(wait * policy.backoffCoefficient, policy.maximumIntervalMs);
  }
}
