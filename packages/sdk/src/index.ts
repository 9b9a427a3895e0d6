// Tally's TypeScript SDK: the HTTP client with the seed's methods, a background
// tracker that batches and retries without double counting, and the Express
// middleware and @TrackUsage decorator built on it. It depends only on Node's
// built-ins and the global fetch (Express is a type-only import), so it can be
// used, and published, without the server.
export { UsageFeature, type BuiltInUsageFeature, type UsageFeatureKey } from './usage-feature.js';
export { UsageMeteringClient, DEFAULT_TIMEOUT_MS, type UsageMeteringClientOptions } from './usage-metering-client.js';
export {
  UsageTracker,
  type ShutdownOptions,
  type UsageTrackerErrorHandler,
  type UsageTrackerOptions,
  type UsageTrackerStats,
} from './usage-tracker.js';
export { trackUsage, type TrackUsageMiddlewareOptions } from './express-middleware.js';
export { TrackUsage, type HasUsageTracker, type TrackUsageDecoratorOptions } from './track-usage-decorator.js';
export {
  TallyError,
  TallyApiError,
  TallyNetworkError,
  isRetryableError,
  type NetworkFailureReason,
  type ProblemDetails,
} from './errors.js';
export { InvalidUsageEventError, TrackerShutDownError, UsageBufferFullError, UsageExtractionError } from './tracker-errors.js';
export type { BulkUsageSender } from './batch-sender.js';
export type { BackoffOptions } from './retry-backoff.js';
export type { EventIdentity, QueuedUsageEvent } from './usage-event.js';
export type { UsageRecorder } from './usage-recorder.js';
export type * from './types.js';
