// What the Express middleware and the @TrackUsage decorator need from a
// tracker: somewhere to put an event, and somewhere to report a failure. Both
// record usage on the side of a request or a method call, so neither may ever
// throw into it; everything that goes wrong goes to reportError instead.
import { UsageExtractionError } from './tracker-errors.js';
import type { TrackUsageInput } from './types.js';
import type { UsageFeatureKey } from './usage-feature.js';

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

/**
 * How one event is read from a request or a call, a step at a time; each step
 * is the integrator's code and may throw.
 */
export interface UsageExtraction {
  readonly organizationId: () => string | null | undefined;
  readonly quantity: () => number | undefined;
  readonly metadata: () => Readonly<Record<string, unknown>> | undefined;
  readonly userId: () => string | undefined;
}

/**
 * Records the event the extraction reads. No organization means nothing to
 * bill; a step that throws is reported as a UsageExtractionError naming it
 * (after `where`, e.g. the method), and nothing is recorded or thrown.
 */
export function recordExtracted(recorder: UsageRecorder, feature: UsageFeatureKey, where: string | null, extract: UsageExtraction): void {
  let step = 'extractOrgId';
  try {
    const organizationId = extract.organizationId();
    // undefined, or '' / null from untyped code.
    if (!organizationId) return;
    step = 'quantity';
    const quantity = extract.quantity();
    step = 'extractMetadata';
    const metadata = extract.metadata();
    step = 'extractUserId';
    const userId = extract.userId();
    step = 'track';
    recorder.track({
      organizationId,
      feature,
      ...(quantity !== undefined && { quantity }),
      ...(metadata !== undefined && { metadata }),
      ...(userId !== undefined && { userId }),
    });
  } catch (error) {
    reportSafely(recorder, new UsageExtractionError(feature, where === null ? step : `${where}: ${step}`, error));
  }
}
