// The application's one background UsageTracker: @TrackUsage records into it,
// and it sends in batches through UsageMeteringService, retrying with the same
// idempotency keys. Inject UsageTracker to record usage on the side yourself.
// Usage it gives up on is logged through Nest unless the options say otherwise.
import { Logger, type FactoryProvider } from '@nestjs/common';
import { UsageTracker, type TrackUsageInput } from '@tally/sdk';
import { TALLY_MODULE_OPTIONS, type TallyModuleOptions } from './tally-options.js';
import { UsageMeteringService } from './usage-metering.service.js';

const logger = new Logger('Tally');

function logDroppedUsage(error: Error, events: readonly TrackUsageInput[]): void {
  const what = events.length > 0 ? `dropped ${events.length} usage event(s)` : 'could not record usage';
  logger.warn(`${what}: ${error.message}`);
}

export const usageTrackerProvider: FactoryProvider<UsageTracker> = {
  provide: UsageTracker,
  inject: [UsageMeteringService, TALLY_MODULE_OPTIONS],
  useFactory: (client: UsageMeteringService, options: TallyModuleOptions) =>
    new UsageTracker({ ...options.tracking, client, onError: options.onError ?? logDroppedUsage }),
};
