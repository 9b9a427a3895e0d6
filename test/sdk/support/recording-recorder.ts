// A UsageRecorder that keeps what it is given, for tests of the middleware and
// the decorator, which only hand events and errors to a recorder.
import type { TrackUsageInput, UsageRecorder } from '@tally/sdk';

export class RecordingRecorder implements UsageRecorder {
  readonly events: TrackUsageInput[] = [];
  readonly errors: unknown[] = [];

  track(event: TrackUsageInput): string {
    this.events.push(event);
    return `key-${this.events.length}`;
  }

  reportError(error: unknown): void {
    this.errors.push(error);
  }
}

/** Polls until the condition holds; for effects that follow an HTTP response's 'finish'. */
export async function eventually(condition: () => boolean, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Gives 'finish' listeners (and anything they schedule) time to run, before asserting that nothing happened. */
export const quietPeriod = () => new Promise((resolve) => setTimeout(resolve, 30));
