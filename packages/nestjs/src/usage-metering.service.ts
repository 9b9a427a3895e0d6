// The injectable UsageMeteringService: configureQuota, trackUsage,
// trackBulkUsage, getCurrentUsage, checkQuota, getUsageHistory and
// estimateUsageCosts, called the way the usage-metering module Tally grew from
// called them. It is the SDK's client configured from the module options, so
// every method the client gains is available here as well.
import { Inject, Injectable } from '@nestjs/common';
import { UsageMeteringClient } from '@tally/sdk';
import { TALLY_MODULE_OPTIONS, type TallyModuleOptions } from './tally-options.js';

@Injectable()
export class UsageMeteringService extends UsageMeteringClient {
  constructor(@Inject(TALLY_MODULE_OPTIONS) options: TallyModuleOptions) {
    super({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs: options.timeoutMs, fetch: options.fetch });
  }
}
