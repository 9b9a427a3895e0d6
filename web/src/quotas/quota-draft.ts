// A quota as the form edits it: text as typed, turned into the API's request
// only on submit. The console does not second-guess the API's rules: it sends
// what was typed, and the API's messages name the fields that are wrong.
import type { ConfigureQuotaRequest, ConfiguredQuota, Enforcement, PricingModel, PricingModelName, ResetPeriod } from '../api/tally-api';

export interface TierDraft {
  readonly upTo: string;
  readonly unitPrice: string;
  readonly flatPrice: string;
}

export interface QuotaDraft {
  readonly feature: string;
  readonly includedQuantity: string;
  readonly currency: string;
  readonly resetPeriod: ResetPeriod;
  readonly enforcement: Enforcement;
  readonly model: PricingModelName;
  readonly pricePerUnit: string;
  readonly tiers: readonly TierDraft[];
  readonly packageSize: string;
  readonly packagePrice: string;
}

// Records keyed by the API's own unions: a reset period, enforcement or model the API adds is a compile error here until it is labelled.
export const RESET_PERIOD_LABELS: Record<ResetPeriod, string> = {
  DAILY: 'Daily (each local day)',
  WEEKLY: 'Weekly (ISO weeks)',
  MONTHLY: 'Monthly (the billing period)',
  QUARTERLY: 'Quarterly',
  YEARLY: 'Yearly',
};

export const ENFORCEMENT_LABELS: Record<Enforcement, string> = {
  soft: 'Soft: overage is billed',
  hard: 'Hard: overage is refused',
};

export const PRICING_MODEL_LABELS: Record<PricingModelName, string> = {
  per_unit: 'Per unit',
  graduated: 'Graduated tiers',
  volume: 'Volume tiers',
  package: 'Package',
};

const EMPTY_TIERS: readonly TierDraft[] = [
  { upTo: '1000', unitPrice: '1', flatPrice: '' },
  { upTo: '', unitPrice: '0.5', flatPrice: '' },
];

export function emptyDraft(currency: string): QuotaDraft {
  return {
    feature: '',
    includedQuantity: '0',
    currency,
    resetPeriod: 'MONTHLY',
    enforcement: 'soft',
    model: 'per_unit',
    pricePerUnit: '',
    tiers: EMPTY_TIERS,
    packageSize: '100',
    packagePrice: '',
  };
}

export function draftOf(quota: ConfiguredQuota): QuotaDraft {
  const pricing = quota.pricing;
  const base = { ...emptyDraft(quota.currency), feature: quota.feature, includedQuantity: String(quota.includedQuantity), enforcement: quota.enforcement, model: pricing.model };
  const resetPeriod = (Object.keys(RESET_PERIOD_LABELS) as ResetPeriod[]).find((period) => period === quota.resetPeriod) ?? 'MONTHLY';
  switch (pricing.model) {
    case 'per_unit':
      return { ...base, resetPeriod, pricePerUnit: pricing.pricePerUnit };
    case 'graduated':
    case 'volume':
      return { ...base, resetPeriod, tiers: pricing.tiers.map((tier) => ({ upTo: tier.upTo === null ? '' : String(tier.upTo), unitPrice: tier.unitPrice, flatPrice: tier.flatPrice ?? '' })) };
    case 'package':
      return { ...base, resetPeriod, packageSize: String(pricing.packageSize), packagePrice: pricing.packagePrice };
  }
}

/**
 * A number field as typed: a number when it reads as one, else the text itself,
 * so the API's validation (not the console's) answers, naming the field.
 */
function typedNumber(text: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  // Deliberately unsound for bad input: the API is the one place that judges it.
  return (trimmed !== '' && Number.isFinite(value) ? value : trimmed) as number;
}

function pricingOf(draft: QuotaDraft): PricingModel {
  const tiers = draft.tiers.map((tier) => ({
    upTo: tier.upTo.trim() === '' ? null : typedNumber(tier.upTo),
    unitPrice: tier.unitPrice.trim(),
    ...(tier.flatPrice.trim() !== '' && { flatPrice: tier.flatPrice.trim() }),
  }));
  switch (draft.model) {
    case 'per_unit':
      return { model: 'per_unit', pricePerUnit: draft.pricePerUnit.trim() };
    case 'graduated':
      return { model: 'graduated', tiers };
    case 'volume':
      return { model: 'volume', tiers };
    case 'package':
      return { model: 'package', packageSize: typedNumber(draft.packageSize), packagePrice: draft.packagePrice.trim() };
  }
}

export function requestOf(draft: QuotaDraft): ConfigureQuotaRequest {
  return {
    feature: draft.feature.trim(),
    includedQuantity: typedNumber(draft.includedQuantity),
    // Whatever was typed goes to the API, whose refusal is shown next to the field.
    currency: (draft.currency.trim().toUpperCase() || undefined) as ConfigureQuotaRequest['currency'],
    resetPeriod: draft.resetPeriod,
    enforcement: draft.enforcement,
    pricing: pricingOf(draft),
  };
}

/** The pricing in words, for the quota table. Prices are minor units of the currency (5 = 0.05). */
export function describePricing(pricing: PricingModel, currency: string): string {
  const minor = `minor units of ${currency}`;
  switch (pricing.model) {
    case 'per_unit':
      return `${pricing.pricePerUnit} ${minor} per unit`;
    case 'graduated':
    case 'volume':
      return `${PRICING_MODEL_LABELS[pricing.model]}: ${pricing.tiers
        .map((tier) => `${tier.upTo === null ? 'above' : `up to ${tier.upTo}`} at ${tier.unitPrice}${tier.flatPrice ? ` + ${tier.flatPrice} flat` : ''}`)
        .join('; ')} (${minor})`;
    case 'package':
      return `${pricing.packagePrice} ${minor} per started pack of ${pricing.packageSize}`;
  }
}
