// @RequireQuota(UsageFeature.API_CALL) on a handler or a controller: the
// request is refused with 403 when the organization's quota for the feature
// is used up, before the handler runs. It applies QuotaGuard itself.
import { applyDecorators, UseGuards } from '@nestjs/common';
import type { UsageFeatureKey } from '@tally/sdk';
import { QuotaGuard } from './quota.guard.js';
import { addRequiredQuota, type RequireQuotaOptions } from './required-quota.js';

export function RequireQuota(feature: UsageFeatureKey, options: RequireQuotaOptions = {}) {
  return applyDecorators(addRequiredQuota({ ...options, feature }), UseGuards(QuotaGuard));
}
