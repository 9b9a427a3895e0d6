// What the Express middleware and the @TrackUsage decorator need from a
// tracker: somewhere to put an event, and somewhere to report a failure. Both
// record usage on the side of a request or a method call, so neither may ever
// throw into it; everything that goes wrong goes to reportError instead.
import type { TrackUsageInput } from './types.js';

export interface UsageRecorder {
  /** Buffers the event for sending; must not throw. */
  track(event: TrackUsageInput): unknown;
  /** Reports a failure (and the events it cost, if any) to the tracker's error handler; must not throw. */
  reportError(error: unknown, events?: readonly TrackUsageInput[]): void;
}

/** Reports through the recorder; a recorder that cannot even report must still not break the request it rode along with. */
export function reportSafely(recorder: UsageRecorder, error: unknown): void {
  try {
    recorder.reportError(error);
  } catch {
    // Nowhere left to report to.
  }
}
