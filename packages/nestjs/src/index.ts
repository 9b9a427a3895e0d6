// @tally/nestjs: Tally for NestJS applications. TallyModule, the injectable
// UsageMeteringService, @TrackUsage with Nest's ExecutionContext,
// UsageTrackingInterceptor and @RequireQuota; and, so that one import path
// serves a Nest project, what it needs from @tally/sdk (UsageFeature, the
// tracker, the errors and the API's types).
export { TallyModule } from './tally.module.js';
export type { TallyModuleForRootAsyncOptions, TallyModuleForRootOptions } from './tally-module-definition.js';
export {
  TALLY_MODULE_OPTIONS,
  type OrganizationExtractor,
  type QuotaUnknownPolicy,
  type TallyModuleExtras,
  type TallyModuleOptions,
  type UsageTrackingSettings,
} from './tally-options.js';
export { UsageMeteringService } from './usage-metering.service.js';
export { TrackUsage, type TrackUsageOptions } from './track-usage.decorator.js';
export { UsageTrackingInterceptor } from './usage-tracking.interceptor.js';
export { RequireQuota } from './require-quota.decorator.js';
export { QuotaGuard } from './quota.guard.js';
export type { RequireQuotaOptions } from './required-quota.js';
export { organizationOfRequest } from './organization-of-request.js';
export {
  UsageFeature,
  UsageTracker,
  TallyError,
  TallyApiError,
  TallyNetworkError,
  QuotaExceededError,
  UsageExtractionError,
  TrackerShutDownError,
  type BuiltInUsageFeature,
  type UsageFeatureKey,
  type UsageTrackerStats,
  type ConfigureQuotaInput,
  type TrackUsageInput,
  type TrackUsageResult,
  type BulkUsageItem,
  type TrackBulkUsageResult,
  type GetCurrentUsageInput,
  type CurrentUsage,
  type QuotaCheck,
  type CheckQuotaOptions,
  type ReserveUsageInput,
  type Reservation,
  type CommitReservationInput,
  type CommittedReservation,
  type ReleasedReservation,
  type QuotaExceededDetails,
  type GetUsageHistoryInput,
  type UsageHistory,
  type CostEstimate,
} from '@tally/sdk';
