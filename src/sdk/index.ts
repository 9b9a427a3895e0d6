// Tally's TypeScript SDK: the HTTP client with the seed's methods, a background
// tracker that batches and retries without double counting, and the Express
// middleware and @TrackUsage decorator built on it. It depends only on Node's
// built-ins and the global fetch (Express is a type-only import), so it can be
// used, and published, without the server.
export { UsageFeature, type BuiltInUsageFeature, type UsageFeatureKey } from './usage-feature';
export { UsageMeteringClient, DEFAULT_TIMEOUT_MS, type UsageMeteringClientOptions } from './usage-metering-client';
export {
  UsageTracker,
  type ShutdownOptions,
  type UsageTrackerErrorHandler,
  type UsageTrackerOptions,
  type UsageTrackerStats,
} from './usage-tracker';
export { trackUsage, type TrackUsageMiddlewareOptions } from './express-middleware';
export { TrackUsage, type HasUsageTracker, type TrackUsageDecoratorOptions } from './track-usage-decorator';
export {
  TallyError,
  TallyApiError,
  TallyNetworkError,
  isRetryableError,
  type NetworkFailureReason,
  type ProblemDetails,
} from './errors';
export { InvalidUsageEventError, TrackerShutDownError, UsageBufferFullError, UsageExtractionError } from './tracker-errors';
export type { BulkUsageSender } from './batch-sender';
export type { BackoffOptions } from './retry-backoff';
export type { EventIdentity, QueuedUsageEvent } from './usage-event';
export type { UsageRecorder } from './usage-recorder';
export type * from './types';
