// Tally's TypeScript SDK (@tally/sdk): the HTTP client with the usage-metering
// methods, a background tracker that batches and retries without double
// counting, and a TypeScript 5 @TrackUsage decorator built on it. It depends
// only on Node's built-ins and the global fetch, so it installs alone. The
// Express middleware is a separate entry point (@tally/sdk/express), so that
// nothing here needs Express's types.
export { UsageFeature, type BuiltInUsageFeature, type UsageFeatureKey } from './usage-feature.js';
export { UsageMeteringClient, DEFAULT_TIMEOUT_MS, type UsageMeteringClientOptions } from './usage-metering-client.js';
export {
  UsageTracker,
  type ShutdownOptions,
  type UsageTrackerErrorHandler,
  type UsageTrackerOptions,
  type UsageTrackerStats,
} from './usage-tracker.js';
export { TrackUsage, type HasUsageTracker, type TrackUsageDecoratorOptions } from './track-usage-decorator.js';
export {
  TallyError,
  TallyApiError,
  TallyNetworkError,
  QuotaExceededError,
  QUOTA_EXCEEDED_TYPE,
  isRetryableError,
  type NetworkFailureReason,
  type ProblemDetails,
} from './errors.js';
export { InvalidUsageEventError, TrackerShutDownError, UsageBufferFullError, UsageExtractionError } from './tracker-errors.js';
export type { BulkUsageSender } from './batch-sender.js';
export type { BackoffOptions } from './retry-backoff.js';
export type { EventIdentity, QueuedUsageEvent } from './usage-event.js';
export { recordExtracted, type UsageExtraction, type UsageRecorder } from './usage-recorder.js';
export type * from './types.js';
export * from './webhooks.js';
