// How current the read models are, and a bounded wait until they include a
// given write. Queries report it with every answer; an audit waits for the
// organization's last event before it compares the read models with the log.
import type { Clock } from '../ports/clock';
import type { UsageReadModels } from '../ports/usage-read-models';

export interface Freshness {
  /** Global position of the last event included (compare with a write's `position`). */
  readonly position: string | null;
  /** When the read models were last known to include every event. */
  readonly caughtUpAt: string | null;
  readonly ageMs: number | null;
  /** False when a requested `waitForPosition` was not reached in time. */
  readonly includesRequestedPosition: boolean;
}

export interface FreshnessWait {
  readonly maxWaitMs: number;
  readonly pollIntervalMs: number;
}

export const DEFAULT_FRESHNESS_WAIT: FreshnessWait = { maxWaitMs: 5_000, pollIntervalMs: 10 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the read models include `wanted` (null: do not wait) or the wait runs out. */
export async function awaitFreshness(readModels: UsageReadModels, clock: Clock, wanted: bigint | null, wait: FreshnessWait): Promise<Freshness> {
  // Polling reads a single checkpoint document; the wait is bounded so a stalled projector costs a caller at most maxWaitMs.
  const deadline = Date.now() + wait.maxWaitMs;
  for (;;) {
    const current = await readModels.freshness();
    const reached = wanted === null || (current.position !== null && BigInt(current.position) >= wanted);
    if (reached || Date.now() >= deadline) {
      const now = clock.now().getTime();
      return {
        position: current.position,
        caughtUpAt: current.caughtUpAt?.toISOString() ?? null,
        ageMs: current.caughtUpAt ? Math.max(0, now - current.caughtUpAt.getTime()) : null,
        includesRequestedPosition: reached,
      };
    }
    await sleep(wait.pollIntervalMs);
  }
}
