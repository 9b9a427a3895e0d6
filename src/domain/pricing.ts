// What a quota costs. The included quantity is free; the pricing model prices the
// overage (the quantity above it). The models and their tier semantics follow
// Stripe and Lago, so a plan configured here means what it means there. Each
// model yields one exact amount that is rounded once, for the line.

import type { Decimal } from 'decimal.js';
import { currencyExponent } from './currency';
import { validationError } from './domain-error';
import { MoneyDecimal, parsePricePerUnit, parseQuantity, roundMinor, subtractMoney, zero, type Money } from './money';

/**
 * One tier. `upTo` counts overage units (the included quantity is not part of
 * any tier) and is inclusive; the last tier has `upTo: null` (no upper bound).
 * Prices are minor-unit decimal strings with at most 4 decimals.
 */
export type Tier = { readonly upTo: number | null; readonly unitPrice: string; readonly flatPrice?: string };

export type PricingModel =
  | { readonly model: 'per_unit'; readonly pricePerUnit: string }
  /** Each unit is priced by the tier it falls in; plus the flat fee of every tier reached. */
  | { readonly model: 'graduated'; readonly tiers: readonly Tier[] }
  /** All units are priced by the tier the total falls in, plus that tier's flat fee. */
  | { readonly model: 'volume'; readonly tiers: readonly Tier[] }
  /** A price per started pack, e.g. €1 per 100 emails: 250 emails are 3 packs. */
  | { readonly model: 'package'; readonly packageSize: number; readonly packagePrice: string };

export type PricingModelName = PricingModel['model'];
export const PRICING_MODELS: readonly PricingModelName[] = Object.freeze(['per_unit', 'graduated', 'volume', 'package']);

/** The per-unit pricing of a simple quota (`pricePerUnit: 5`). */
export function perUnitPricing(pricePerUnit: string | number): PricingModel {
  return { model: 'per_unit', pricePerUnit: parsePricePerUnit(pricePerUnit).toString() };
}

export function validatePricing(p: PricingModel): void {
  if (p === null || typeof p !== 'object') {
    throw validationError('pricing', 'pricing must be an object with a "model"');
  }
  switch (p.model) {
    case 'per_unit':
      parsePricePerUnit(p.pricePerUnit, 'pricing.pricePerUnit');
      return;
    case 'graduated':
    case 'volume':
      validateTiers(p.tiers);
      return;
    case 'package':
      if (!Number.isSafeInteger(p.packageSize) || p.packageSize < 1) {
        throw validationError(
          'pricing.packageSize',
          `pricing.packageSize must be a whole number of at least 1, got ${JSON.stringify(p.packageSize)}`,
        );
      }
      parsePricePerUnit(p.packagePrice, 'pricing.packagePrice');
      return;
    default: {
      // Reachable with unchecked JSON input; the `never` keeps the switch exhaustive.
      const unknownModel: never = p;
      const name = JSON.stringify((unknownModel as { model?: unknown }).model);
      throw validationError('pricing.model', `pricing.model ${name} is not one of ${PRICING_MODELS.join(', ')}`);
    }
  }
}

// Pricing models are immutable values of the organization's state: one found
// valid stays valid, so a window priced at every write checks it once.
const validPricings = new WeakSet<PricingModel>();

function validatedPricing(pricing: PricingModel): void {
  if (pricing !== null && typeof pricing === 'object' && validPricings.has(pricing)) return;
  validatePricing(pricing);
  validPricings.add(pricing);
}

function validateTiers(tiers: readonly Tier[]): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    throw validationError('pricing.tiers', 'pricing.tiers must list at least one tier');
  }
  let previousUpTo = 0;
  tiers.forEach((tier, index) => {
    const path = `pricing.tiers[${index}]`;
    const isLast = index === tiers.length - 1;
    if (tier === null || typeof tier !== 'object') {
      throw validationError(path, `${path} must be an object with upTo and unitPrice`);
    }
    if (isLast) {
      if (tier.upTo !== null) {
        throw validationError(`${path}.upTo`, `${path}.upTo must be null: the last tier has no upper bound`);
      }
    } else {
      if (tier.upTo === null) {
        throw validationError(`${path}.upTo`, `${path}.upTo may only be null in the last tier`);
      }
      if (!Number.isSafeInteger(tier.upTo) || tier.upTo < 1) {
        throw validationError(`${path}.upTo`, `${path}.upTo must be a positive whole number, got ${JSON.stringify(tier.upTo)}`);
      }
      if (tier.upTo <= previousUpTo) {
        throw validationError(
          `${path}.upTo`,
          `${path}.upTo must be greater than the previous tier's upTo (${previousUpTo}), got ${tier.upTo}`,
        );
      }
      previousUpTo = tier.upTo;
    }
    parsePricePerUnit(tier.unitPrice, `${path}.unitPrice`);
    if (tier.flatPrice !== undefined) parsePricePerUnit(tier.flatPrice, `${path}.flatPrice`);
  });
}

/** The part of a graduated line that falls in one tier, before rounding. */
export interface TierCharge {
  readonly tierIndex: number;
  readonly quantity: Decimal;
  readonly unitPrice: Decimal;
  readonly flatPrice: Decimal;
  /** quantity × unitPrice + flatPrice, in minor units, unrounded. */
  readonly amountMinor: Decimal;
}

function tierPrices(tier: Tier, index: number): { unitPrice: Decimal; flatPrice: Decimal } {
  const path = `pricing.tiers[${index}]`;
  return {
    unitPrice: parsePricePerUnit(tier.unitPrice, `${path}.unitPrice`),
    flatPrice: tier.flatPrice === undefined ? new MoneyDecimal(0) : parsePricePerUnit(tier.flatPrice, `${path}.flatPrice`),
  };
}

/**
 * The tiers a graduated overage reaches and what each costs. A tier is reached
 * when at least one unit falls in it, so zero overage reaches none and costs
 * nothing — the included quantity is free, flat fees included.
 */
export function graduatedTierCharges(overageQuantity: number | Decimal, tiers: readonly Tier[]): TierCharge[] {
  const overage = parseQuantity(overageQuantity, 'overageQuantity');
  const charges: TierCharge[] = [];
  let lowerBound = new MoneyDecimal(0);
  for (const [tierIndex, tier] of tiers.entries()) {
    if (overage.lte(lowerBound)) break;
    const upperBound = tier.upTo === null ? overage : MoneyDecimal.min(overage, tier.upTo);
    const quantity = upperBound.minus(lowerBound);
    const { unitPrice, flatPrice } = tierPrices(tier, tierIndex);
    charges.push({ tierIndex, quantity, unitPrice, flatPrice, amountMinor: quantity.times(unitPrice).plus(flatPrice) });
    if (tier.upTo === null) break;
    lowerBound = new MoneyDecimal(tier.upTo);
  }
  return charges;
}

/**
 * The exact, unrounded price of an overage quantity in minor units. Exposed so
 * that callers (and tests) can compare a rounded line with its exact value.
 */
export function unroundedOverageCharge(overageQuantity: number | Decimal, pricing: PricingModel): Decimal {
  validatedPricing(pricing);
  const overage = parseQuantity(overageQuantity, 'overageQuantity');
  if (overage.isZero()) return new MoneyDecimal(0);
  switch (pricing.model) {
    case 'per_unit':
      return overage.times(parsePricePerUnit(pricing.pricePerUnit));
    case 'graduated':
      return graduatedTierCharges(overage, pricing.tiers).reduce((sum, tier) => sum.plus(tier.amountMinor), new MoneyDecimal(0));
    case 'volume': {
      // The first tier whose bound holds the whole overage; validation guarantees
      // the last tier is unbounded, so there always is one.
      const tierIndex = pricing.tiers.findIndex((tier) => tier.upTo === null || overage.lte(tier.upTo));
      const { unitPrice, flatPrice } = tierPrices(pricing.tiers[tierIndex], tierIndex);
      return overage.times(unitPrice).plus(flatPrice);
    }
    case 'package': {
      // Integer division plus "any remainder starts a new pack" — exact, unlike ceil(a / b).
      const fullPacks = overage.dividedToIntegerBy(pricing.packageSize);
      const packs = overage.mod(pricing.packageSize).isZero() ? fullPacks : fullPacks.plus(1);
      return packs.times(parsePricePerUnit(pricing.packagePrice, 'pricing.packagePrice'));
    }
  }
}

/** What one quota window costs: its quantity, the free part, the overage and the rounded amount. */
export interface WindowCharge {
  readonly quantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  readonly amount: Money;
}

export function chargeForWindow(
  quantity: number,
  includedQuantity: number,
  pricing: PricingModel,
  currency: string,
): WindowCharge {
  currencyExponent(currency);
  // Within the included quantity nothing is owed whatever the model (zero overage
  // reaches no tier): most windows of most periods, priced at every write an
  // alert watches, so without decimals. Doubles order like the decimals they print as.
  if (typeof quantity === 'number' && typeof includedQuantity === 'number' && quantity >= 0 && quantity <= includedQuantity && Number.isFinite(includedQuantity)) {
    validatedPricing(pricing);
    return { quantity, includedQuantity, overageQuantity: 0, amount: zero(currency) };
  }
  // Past it with whole numbers (the usual case once an overage alert watches every write): the
  // overage is exact as a number, and only the charge needs decimals.
  if (Number.isSafeInteger(quantity) && Number.isSafeInteger(includedQuantity) && includedQuantity >= 0 && quantity > includedQuantity) {
    const overageQuantity = quantity - includedQuantity;
    return { quantity, includedQuantity, overageQuantity, amount: roundMinor(unroundedOverageCharge(overageQuantity, pricing), currency) };
  }
  const total = parseQuantity(quantity, 'quantity');
  const included = parseQuantity(includedQuantity, 'includedQuantity');
  const overage = MoneyDecimal.max(total.minus(included), 0);
  return {
    quantity,
    includedQuantity,
    // Subtracting as decimals then converting keeps 0.3 - 0.1 at 0.2.
    overageQuantity: overage.toNumber(),
    amount: roundMinor(unroundedOverageCharge(overage, pricing), currency),
  };
}

/** The part of a window's charge that falls in one billing period. */
export interface IncrementalCharge {
  /** The window's charge at the end of the previous billing period (zero quantity in the window's first period). */
  readonly before: WindowCharge;
  /** The window's charge at the end of this billing period. */
  readonly after: WindowCharge;
  /** after.overageQuantity − before.overageQuantity; negative when a 'max'/'latest' quantity fell. */
  readonly overageQuantity: number;
  /** after.amount − before.amount; may be negative (a credit), see below. */
  readonly amount: Money;
}

/**
 * The cost, in one billing period, of a quota window that spans several billing
 * periods (QUARTERLY, YEARLY): the charge of the window's cumulative quantity at
 * this period's end minus the charge at the previous period's end.
 *
 * Billing the difference of two rounded window charges means the periods of a
 * window add up exactly to the window's charge, and the free tier and tier
 * boundaries apply to the whole window, as configured. The amount can be
 * negative: volume pricing is not monotone (a cheaper tier can make more units
 * cost less) and 'max'/'latest' quantities can fall. Callers decide whether a
 * negative amount becomes a credit; it must not be dropped silently, or the
 * periods would no longer add up to the window.
 */
export function incrementalCharge(
  quantityAtPreviousPeriodEnd: number,
  quantityAtPeriodEnd: number,
  includedQuantity: number,
  pricing: PricingModel,
  currency: string,
): IncrementalCharge {
  const before = chargeForWindow(quantityAtPreviousPeriodEnd, includedQuantity, pricing, currency);
  const after = chargeForWindow(quantityAtPeriodEnd, includedQuantity, pricing, currency);
  return {
    before,
    after,
    overageQuantity: new MoneyDecimal(String(after.overageQuantity)).minus(String(before.overageQuantity)).toNumber(),
    amount: subtractMoney(after.amount, before.amount),
  };
}
