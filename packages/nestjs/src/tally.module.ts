// TallyModule: `TallyModule.forRoot({ baseUrl, apiKey })` or
// `forRootAsync({ inject: [ConfigService], useFactory })` in the application's
// root module makes UsageMeteringService and UsageTracker injectable
// everywhere, lets @TrackUsage and @RequireQuota work on any route, and
// delivers buffered usage on shutdown.
import { Module } from '@nestjs/common';
import { UsageTracker } from '@tally/sdk';
import { QuotaGuard } from './quota.guard.js';
import { ConfigurableTallyModule } from './tally-module-definition.js';
import { TALLY_MODULE_OPTIONS } from './tally-options.js';
import { UsageMeteringService } from './usage-metering.service.js';
import { usageTrackerProvider } from './usage-tracker.provider.js';
import { UsageTrackerShutdown } from './usage-tracker-shutdown.js';
import { UsageTrackingInterceptor } from './usage-tracking.interceptor.js';

@Module({
  providers: [UsageMeteringService, usageTrackerProvider, UsageTrackingInterceptor, QuotaGuard, UsageTrackerShutdown],
  // The interceptor and the guard are also used by class in other modules'
  // decorators; Nest builds them there, from what this module exports.
  exports: [UsageMeteringService, UsageTracker, UsageTrackingInterceptor, QuotaGuard, TALLY_MODULE_OPTIONS],
})
export class TallyModule extends ConfigurableTallyModule {}
