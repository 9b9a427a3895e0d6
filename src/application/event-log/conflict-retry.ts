// A writer that loses the race for a stream's revision (another instance, or
// another process on the same file, appended first) reads what it missed and
// decides again. Losing is not an error the caller should see: every lost race
// means someone else made progress, so the writer keeps trying for a while,
// and pauses a random moment from the second retry on, so two instances that
// keep colliding in lock-step fall out of step.

/** Attempts after the first before the conflict reaches the caller (as "try again shortly"). */
export const MAX_CONFLICT_RETRIES = 25;

/** The longest pause between two attempts; the whole budget stays around a second. */
const MAX_PAUSE_MS = 64;

/** Waits before attempt `attempt` (1 is the first retry, which a stale cache explains, so it goes at once). */
export function pauseBeforeRetry(attempt: number): Promise<void> {
  if (attempt <= 1) return Promise.resolve();
  const ceilingMs = Math.min(2 ** (attempt - 1), MAX_PAUSE_MS);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}
