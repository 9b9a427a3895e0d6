// The shapes the Tally HTTP API accepts and answers, as SDK users see them.
// They are declared here rather than imported from the server so the SDK can be
// published and installed on its own; the names follow the usage-metering API
// Tally grew from (getCurrentUsage, checkQuota, …), so code written against it reads the same.
import type { UsageFeatureKey } from './usage-feature.js';

export type ResetPeriod = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'YEARLY';

/** 'soft' bills the overage; 'hard' refuses usage beyond the included quantity. */
export type QuotaEnforcement = 'soft' | 'hard';

/** Minor-unit prices are decimal strings (or numbers) so fractions of a cent stay exact. */
export type MinorUnitPrice = string | number;

/** `upTo` counts overage units and is inclusive; the last tier has `upTo: null`. */
export interface PricingTier {
  readonly upTo: number | null;
  readonly unitPrice: string;
  readonly flatPrice?: string;
}

export type PricingModel =
  | { readonly model: 'per_unit'; readonly pricePerUnit: string }
  | { readonly model: 'graduated'; readonly tiers: readonly PricingTier[] }
  | { readonly model: 'volume'; readonly tiers: readonly PricingTier[] }
  | { readonly model: 'package'; readonly packageSize: number; readonly packagePrice: string };

interface QuotaSettings {
  readonly organizationId: string;
  readonly feature: UsageFeatureKey;
  readonly includedQuantity: number;
  readonly currency?: string;
  readonly resetPeriod?: ResetPeriod;
  readonly enforcement?: QuotaEnforcement;
}

/**
 * The `configureQuota` input. The server wants exactly one price: a flat
 * `pricePerUnit` (minor units, e.g. 5 = €0.05) or a `pricing` model.
 */
export type ConfigureQuotaInput = QuotaSettings &
  (
    | { readonly pricePerUnit: MinorUnitPrice; readonly pricing?: undefined }
    | { readonly pricing: PricingModel; readonly pricePerUnit?: undefined }
  );

/** One usage item of a bulk: everything but the organization, which the bulk names once. */
export interface BulkUsageItem {
  readonly feature: UsageFeatureKey;
  /** Defaults to 1 on the server. */
  readonly quantity?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly userId?: string;
  /** Resending the same key is acknowledged as a duplicate and never counted twice. */
  readonly idempotencyKey?: string;
  /** ISO-8601 instant with a time zone; absent means "when it arrives". */
  readonly timestamp?: string;
}

export interface TrackUsageInput extends BulkUsageItem {
  readonly organizationId: string;
}

export interface BillingPeriod {
  readonly start: string;
  readonly end: string;
}

export interface TrackedUsage {
  readonly idempotencyKey: string;
  /** True when the key was accepted before: acknowledged, not counted again. */
  readonly duplicate: boolean;
  /** 'correction' means it arrived after its period closed and counts in the open one. */
  readonly countedAs: 'usage' | 'correction' | null;
  readonly billingPeriod: BillingPeriod | null;
}

export interface TrackUsageResult extends TrackedUsage {
  /** Pass to a read's `waitForPosition` to read your own write. */
  readonly position: string | null;
}

export interface TrackBulkUsageResult {
  /** Items counted now (duplicates excluded). */
  readonly accepted: number;
  readonly duplicates: number;
  readonly items: readonly TrackedUsage[];
  readonly position: string | null;
}

export interface WriteResult {
  /** False when the same configuration was sent again. */
  readonly changed: boolean;
  readonly position: string | null;
}

export interface Freshness {
  /** Position of the last event the read models include. */
  readonly position: string | null;
  readonly caughtUpAt: string | null;
  readonly ageMs: number | null;
  /** False when a requested `waitForPosition` was not reached in time. */
  readonly includesRequestedPosition: boolean;
}

export interface ReadOptions {
  /** Wait (bounded, on the server) until the read models include this write position. */
  readonly waitForPosition?: string;
}

/** Money is a JSON number in major units plus the exact decimal string. */
export interface CurrencyTotal {
  readonly currency: string;
  readonly overageAmount: number;
  readonly overageAmountDecimal: string;
}

export interface FeatureUsage {
  readonly feature: string;
  readonly displayName: string;
  readonly unit: string;
  readonly aggregation: string;
  readonly resetPeriod: string;
  readonly totalQuantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  readonly overageAmount: number;
  readonly overageAmountDecimal: string;
  readonly currency: string;
  readonly periodStart: string;
  readonly periodEnd: string;
}

export interface GetCurrentUsageInput extends ReadOptions {
  readonly organizationId: string;
  readonly features?: readonly UsageFeatureKey[];
}

export interface CurrentUsage {
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Null when the features are billed in more than one currency (see `totals`). */
  readonly totalOverageAmount: number | null;
  readonly currency: string | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly FeatureUsage[];
  readonly freshness: Freshness;
}

/**
 * A quota answer. It is exact: it includes every write Tally acknowledged
 * before it was asked (`freshness.position` is at least that write's position).
 */
export interface QuotaCheck {
  readonly organizationId: string;
  readonly feature: string;
  /** Whether `requested` more units may be used now: always under a soft quota (it bills the overage); under a hard one, when they fit. */
  readonly allowed: boolean;
  /** The `quantity` asked about (1 when none was given). */
  readonly requested: number;
  /** False only for a hard quota that is used up (not even 1 more fits); soft quotas bill the overage instead. */
  readonly hasQuota: boolean;
  readonly withinIncluded: boolean;
  readonly used: number;
  /** Held by open reservations; it counts against a hard quota. */
  readonly reserved: number;
  readonly included: number;
  /** Included quantity neither used nor reserved. */
  readonly remaining: number;
  readonly enforcement: QuotaEnforcement;
  readonly resetPeriod: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly freshness: Freshness;
}

export interface CheckQuotaOptions extends ReadOptions {
  /** Ask whether this many more units are allowed; defaults to 1. */
  readonly quantity?: number;
}

/** Holds quantity of a feature for work whose size is known only afterwards (an AI generation, an export). */
export interface ReserveUsageInput {
  readonly organizationId: string;
  readonly feature: UsageFeatureKey;
  readonly quantity: number;
  /** How long the hold lasts unless committed or released first. */
  readonly expiresInSeconds: number;
  /** Asking again with the same key answers the same reservation instead of holding more. */
  readonly idempotencyKey?: string;
}

export interface Reservation {
  readonly reservationId: string;
  readonly feature: string;
  readonly quantity: number;
  readonly expiresAt: string;
  /** The quota window the hold counts in. */
  readonly windowStart: string;
  readonly windowEnd: string;
  /** True when this answers an earlier request with the same idempotency key. */
  readonly duplicate: boolean;
  readonly position: string | null;
}

/** What the reserved work actually used: less or more than reserved (more is refused under a hard quota it no longer fits). */
export interface CommitReservationInput {
  readonly organizationId: string;
  readonly reservationId: string;
  readonly quantity: number;
  readonly userId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface CommittedReservation {
  readonly reservationId: string;
  readonly committedQuantity: number;
  /** True when the reservation had been committed already with this quantity. */
  readonly duplicate: boolean;
  /** The idempotency key the usage was recorded under. */
  readonly usageKey: string;
  readonly billingPeriod: BillingPeriod | null;
  readonly position: string | null;
}

export interface ReleasedReservation {
  readonly reservationId: string;
  /** False when it had been released or had expired already. */
  readonly changed: boolean;
  readonly position: string | null;
}

/**
 * Why a hard quota refused a write (the top level of a 403 quota-exceeded
 * answer): the figures of the first refusing item; a bulk names every refusing
 * item in `errors[]`.
 */
export interface QuotaExceededDetails {
  readonly feature: string;
  readonly included: number;
  /** Recorded in the window before the refused write. */
  readonly used: number;
  readonly reserved: number;
  readonly remaining: number;
  readonly windowStart: string;
  readonly windowEnd: string;
}

export interface GetUsageHistoryInput extends ReadOptions {
  readonly organizationId: string;
  /** How many closed periods, newest first; the server defaults to 12. */
  readonly limit?: number;
}

export interface HistoryFeatureUsage {
  readonly feature: string;
  readonly totalQuantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  readonly overageAmount: number;
  readonly overageAmountDecimal: string;
  readonly currency: string;
  readonly events: number;
  readonly corrections: number;
}

export interface HistoryPeriod {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly closedAt: string;
  readonly totalOverageAmount: number | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly HistoryFeatureUsage[];
}

export interface UsageHistory {
  readonly organizationId: string;
  readonly periods: readonly HistoryPeriod[];
  readonly freshness: Freshness;
}

export interface FeatureEstimate {
  readonly feature: string;
  readonly currentQuantity: number;
  readonly projectedQuantity: number;
  /** Null for readings (e.g. storage) that are projected to stay level. */
  readonly dailyRate: number | null;
  readonly estimatedAmount: number;
  readonly estimatedAmountDecimal: string;
  readonly currency: string;
}

export interface CostEstimate {
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** How the projection was made, in words. */
  readonly method: string;
  readonly estimatedAmount: number | null;
  readonly currentAmount: number | null;
  readonly currency: string | null;
  readonly totals: readonly CurrencyTotal[];
  readonly features: readonly FeatureEstimate[];
  readonly freshness: Freshness;
}

/** One field-level problem in an RFC 9457 answer, e.g. `{ path: 'items[3].quantity', … }`. */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

/** Per-call options that only change how the request is made. */
export interface RequestOptions {
  /** Aborts the call (it then rejects with a TallyNetworkError of reason 'aborted'). */
  readonly signal?: AbortSignal;
}
