// A quota: how much of a feature an organization gets free in each reset
// window, what it pays beyond that, and whether going over is billed (soft) or
// refused (hard). Features without a configured quota use the catalogue default.
import { validationError } from './domain-error';
import { isCurrencyCode } from './currency';
import type { FeatureDefinition } from './catalogue';
import { isResetPeriod, RESET_PERIODS, type ResetPeriod } from './periods';
import { perUnitPricing, validatePricing, type PricingModel } from './pricing';

export type QuotaEnforcement = 'soft' | 'hard';

export interface Quota {
  readonly feature: string;
  readonly includedQuantity: number;
  readonly pricing: PricingModel;
  readonly currency: string;
  readonly resetPeriod: ResetPeriod;
  readonly enforcement: QuotaEnforcement;
  /** False when the quota comes from the feature catalogue rather than the organization. */
  readonly configured: boolean;
}

export function defaultQuota(feature: FeatureDefinition, currency: string): Quota {
  return {
    feature: feature.key,
    includedQuantity: feature.defaultIncludedQuantity,
    pricing: perUnitPricing(feature.defaultPricePerUnit),
    currency,
    resetPeriod: 'MONTHLY',
    enforcement: 'soft',
    configured: false,
  };
}

export function validateQuota(quota: Quota): void {
  if (!Number.isSafeInteger(quota.includedQuantity) || quota.includedQuantity < 0) {
    throw validationError('includedQuantity', `includedQuantity must be a whole number ≥ 0, got ${JSON.stringify(quota.includedQuantity)}`);
  }
  if (!isCurrencyCode(quota.currency)) {
    throw validationError('currency', `currency ${JSON.stringify(quota.currency)} is not an ISO 4217 code (e.g. "EUR")`);
  }
  if (!isResetPeriod(quota.resetPeriod)) {
    throw validationError('resetPeriod', `resetPeriod must be one of ${RESET_PERIODS.join(', ')}`);
  }
  if (quota.enforcement !== 'soft' && quota.enforcement !== 'hard') {
    throw validationError('enforcement', 'enforcement must be "soft" (overage is billed) or "hard" (overage is refused)');
  }
  validatePricing(quota.pricing);
}
