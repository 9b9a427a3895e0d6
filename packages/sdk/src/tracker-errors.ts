// Why the background tracker gave up on events. Each reaches the tracker's
// onError together with the events it cost, so an application can log them,
// count them, or write them somewhere to replay later. Errors the server gave
// (TallyApiError) and failed requests (TallyNetworkError) are reported as they
// are; these cover what happens on the client's side.
import { TallyError } from './errors.js';

/** track() was given something the server could never accept (no organization, a fractional quantity, …). */
export class InvalidUsageEventError extends TallyError {
  override readonly name = 'InvalidUsageEventError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** More events were buffered than `maxBufferedEvents`; the oldest were dropped to make room. */
export class UsageBufferFullError extends TallyError {
  override readonly name = 'UsageBufferFullError';

  constructor(readonly maxBufferedEvents: number) {
    super(`the usage buffer is full (${maxBufferedEvents} events); the oldest events were dropped`);
  }
}

/**
 * The tracker was shut down: events tracked afterwards, and events still
 * unsent when a shutdown deadline passed. `mayHaveBeenRecorded` is true for
 * events whose request was cut off mid-flight: the server may have counted them.
 */
export class TrackerShutDownError extends TallyError {
  override readonly name = 'TrackerShutDownError';

  constructor(
    message: string,
    readonly mayHaveBeenRecorded = false,
  ) {
    super(message);
  }
}

/** A middleware or decorator extractor (org id, metadata, quantity) threw, so nothing was recorded. */
export class UsageExtractionError extends TallyError {
  override readonly name = 'UsageExtractionError';

  constructor(
    readonly feature: string,
    readonly extractor: string,
    cause: unknown,
  ) {
    super(`${extractor} failed for ${feature}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
