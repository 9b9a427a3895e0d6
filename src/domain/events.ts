// The events of an organization's stream: what happened, in billing words.
// Instants are ISO-8601 UTC strings and money is decimal strings, so every
// event is plain JSON and replays byte for byte. Events are never changed;
// a new shape gets a new schema version and an upcaster (event-schema.ts).
import type { Aggregation } from './catalogue';
import type { OrganizationSettings } from './organization-settings';
import type { PricingModel } from './pricing';
import type { QuotaEnforcement } from './quota';
import type { ResetPeriod } from './periods';

export interface IntervalRecord {
  readonly start: string;
  readonly end: string;
}

export type OrganizationConfigured = {
  readonly type: 'OrganizationConfigured';
  readonly data: { readonly organizationId: string; readonly configuredAt: string } & OrganizationSettings;
};

export type CustomFeatureDefined = {
  readonly type: 'CustomFeatureDefined';
  readonly data: {
    readonly organizationId: string;
    readonly key: string;
    readonly displayName: string;
    readonly unit: string;
    readonly aggregation: Aggregation;
    readonly definedAt: string;
  };
};

export type QuotaConfigured = {
  readonly type: 'QuotaConfigured';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly includedQuantity: number;
    readonly pricing: PricingModel;
    readonly currency: string;
    readonly resetPeriod: ResetPeriod;
    readonly enforcement: QuotaEnforcement;
    readonly configuredAt: string;
  };
};

export type QuotaRemoved = {
  readonly type: 'QuotaRemoved';
  readonly data: { readonly organizationId: string; readonly feature: string; readonly removedAt: string };
};

/** Where a usage event counts: the billing period and quota window, fixed when it is recorded. */
export interface UsagePlacement {
  readonly billingPeriod: IntervalRecord;
  readonly window: IntervalRecord;
}

export type UsageRecorded = {
  readonly type: 'UsageRecorded';
  readonly data: UsagePlacement & {
    readonly organizationId: string;
    readonly feature: string;
    readonly quantity: number;
    readonly idempotencyKey: string;
    /** When the usage happened, as the client said (or when it arrived). */
    readonly timestamp: string;
    readonly recordedAt: string;
    readonly userId?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
  };
};

/**
 * Usage that cannot count where it happened: it arrived after its period
 * closed ('late'), or an operator adjusted a total (any other reason). It counts
 * in the open period at recordedAt and keeps the original timestamp.
 */
export type UsageCorrected = {
  readonly type: 'UsageCorrected';
  readonly data: UsagePlacement & {
    readonly organizationId: string;
    readonly feature: string;
    /** For 'sum' features a signed delta; for 'max'/'latest' features a reading. */
    readonly quantity: number;
    readonly idempotencyKey: string;
    readonly reason: string;
    readonly timestamp: string;
    readonly recordedAt: string;
    /** The closed period the usage happened in, for late usage. */
    readonly originalBillingPeriod?: IntervalRecord;
    readonly userId?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
  };
};

/**
 * A usage event whose idempotency key was accepted before, with the same
 * content: acknowledged to the caller and kept in the log so an audit can show
 * it was received and ignored. Never counted anywhere.
 */
export type UsageDuplicateIgnored = {
  readonly type: 'UsageDuplicateIgnored';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly quantity: number;
    readonly idempotencyKey: string;
    readonly receivedAt: string;
  };
};

/** One feature's line in a period summary, as aggregated, reported and closed. */
export interface FeatureSummary {
  readonly feature: string;
  readonly totalQuantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  /** Major units, exact decimal string (e.g. "1.25"). */
  readonly overageAmount: string;
  readonly currency: string;
  readonly events: number;
  readonly corrections: number;
}

export type UsageAggregated = {
  readonly type: 'UsageAggregated';
  readonly data: {
    readonly organizationId: string;
    readonly billingPeriod: IntervalRecord;
    readonly asOf: string;
    readonly features: readonly FeatureSummary[];
  };
};

export type UsageReportedToStripe = {
  readonly type: 'UsageReportedToStripe';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly billingPeriod: IntervalRecord;
    readonly reportSequence: number;
    /** The period's quantity Stripe now knows in total, and what this report added. */
    readonly cumulativeQuantity: number;
    readonly deltaQuantity: number;
    readonly meterEventName: string;
    readonly identifier: string;
    readonly reportedAt: string;
  };
};

export type StripeReportFailed = {
  readonly type: 'StripeReportFailed';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly billingPeriod: IntervalRecord;
    readonly reportSequence: number;
    readonly identifier: string;
    readonly error: string;
    readonly retryable: boolean;
    readonly failedAt: string;
  };
};

export type InvoiceItemCreated = {
  readonly type: 'InvoiceItemCreated';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly billingPeriod: IntervalRecord;
    readonly quantity: number;
    readonly amount: string;
    readonly currency: string;
    readonly stripeInvoiceItemId: string;
    readonly idempotencyKey: string;
    readonly createdAt: string;
  };
};

export type BillingPeriodClosed = {
  readonly type: 'BillingPeriodClosed';
  readonly data: {
    readonly organizationId: string;
    readonly billingPeriod: IntervalRecord;
    readonly closedAt: string;
    readonly features: readonly FeatureSummary[];
  };
};

/**
 * Quantity held against a feature's quota window for work whose size is known
 * only afterwards. It counts against a hard quota until committed, released or
 * expired (expiry is decided from the clock by the next decision, and then
 * logged as ReservationExpired).
 */
export type UsageReserved = {
  readonly type: 'UsageReserved';
  readonly data: {
    readonly organizationId: string;
    readonly reservationId: string;
    readonly feature: string;
    readonly quantity: number;
    /** The quota window the reservation holds quantity in. */
    readonly window: IntervalRecord;
    readonly idempotencyKey: string | null;
    readonly reservedAt: string;
    readonly expiresAt: string;
  };
};

/** The reservation's work is done: its usage was recorded (a UsageRecorded in the same append) and the rest let go. */
export type ReservationCommitted = {
  readonly type: 'ReservationCommitted';
  readonly data: {
    readonly organizationId: string;
    readonly reservationId: string;
    readonly feature: string;
    readonly reservedQuantity: number;
    readonly committedQuantity: number;
    /** The idempotency key of the usage recorded for it. */
    readonly usageKey: string;
    readonly committedAt: string;
  };
};

export type ReservationReleased = {
  readonly type: 'ReservationReleased';
  readonly data: { readonly organizationId: string; readonly reservationId: string; readonly feature: string; readonly quantity: number; readonly releasedAt: string };
};

export type ReservationExpired = {
  readonly type: 'ReservationExpired';
  readonly data: { readonly organizationId: string; readonly reservationId: string; readonly feature: string; readonly quantity: number; readonly expiresAt: string; readonly noticedAt: string };
};

/** What an alert rule watches, and the threshold it fires at (when the watched value reaches it). */
export type AlertWatch =
  /** A feature's usage in its quota window reaching a quantity. */
  | { readonly kind: 'quantity'; readonly feature: string; readonly quantity: number }
  /** A feature's usage in its quota window reaching a percentage of the included quantity in force (80, 100, 150…). */
  | { readonly kind: 'percentOfIncluded'; readonly feature: string; readonly percentOfIncluded: number }
  /** The organization's overage amount in a billing period, in one currency, reaching an amount (major units, decimal). */
  | { readonly kind: 'overageAmount'; readonly overageAmount: string; readonly currency: string };

/** An alert rule created or changed (the same ruleId replaces the rule). */
export type AlertRuleSet = {
  readonly type: 'AlertRuleSet';
  readonly data: { readonly organizationId: string; readonly ruleId: string; readonly watch: AlertWatch; readonly setAt: string };
};

export type AlertRuleRemoved = {
  readonly type: 'AlertRuleRemoved';
  readonly data: { readonly organizationId: string; readonly ruleId: string; readonly removedAt: string };
};

/**
 * A watched value reached an alert rule's threshold: decided with the usage
 * that took it there and appended in the same write (cause 'usage'), or when
 * the rule was set while the value was past it already (cause 'rule-created').
 * Once per rule and window: usage falling back below and rising again in the
 * same window does not fire again.
 */
export type UsageThresholdCrossed = {
  readonly type: 'UsageThresholdCrossed';
  readonly data: {
    readonly organizationId: string;
    readonly ruleId: string;
    readonly watch: AlertWatch;
    /** The threshold as a quantity (quantity, percentOfIncluded) or a decimal amount (overageAmount). */
    readonly threshold: string;
    /** The watched value right after the crossing. */
    readonly value: string;
    /** The quota window (feature rules) or billing period (overage rules) the crossing happened in. */
    readonly window: IntervalRecord;
    readonly cause: 'usage' | 'rule-created';
    readonly crossedAt: string;
  };
};

/**
 * A hard quota's window is used up: the usage that reached the included
 * quantity was accepted, and more usage in the window will be refused. Once
 * per feature and window, with the usage that used it up.
 */
export type QuotaUsedUp = {
  readonly type: 'QuotaUsedUp';
  readonly data: { readonly organizationId: string; readonly feature: string; readonly included: number; readonly window: IntervalRecord; readonly usedUpAt: string };
};

export type OrganizationEvent =
  | OrganizationConfigured
  | CustomFeatureDefined
  | QuotaConfigured
  | QuotaRemoved
  | UsageRecorded
  | UsageCorrected
  | UsageDuplicateIgnored
  | UsageAggregated
  | UsageReportedToStripe
  | StripeReportFailed
  | InvoiceItemCreated
  | BillingPeriodClosed
  | UsageReserved
  | ReservationCommitted
  | ReservationReleased
  | ReservationExpired
  | AlertRuleSet
  | AlertRuleRemoved
  | UsageThresholdCrossed
  | QuotaUsedUp;

export type OrganizationEventType = OrganizationEvent['type'];

/** The events that count usage (recorded on time, or as a correction); a duplicate counts nothing. */
export type UsageEvent = UsageRecorded | UsageCorrected;

export const isUsageEvent = (event: OrganizationEvent): event is UsageEvent => event.type === 'UsageRecorded' || event.type === 'UsageCorrected';

export const ORGANIZATION_EVENT_TYPES: readonly OrganizationEventType[] = [
  'OrganizationConfigured',
  'CustomFeatureDefined',
  'QuotaConfigured',
  'QuotaRemoved',
  'UsageRecorded',
  'UsageCorrected',
  'UsageDuplicateIgnored',
  'UsageAggregated',
  'UsageReportedToStripe',
  'StripeReportFailed',
  'InvoiceItemCreated',
  'BillingPeriodClosed',
  'UsageReserved',
  'ReservationCommitted',
  'ReservationReleased',
  'ReservationExpired',
  'AlertRuleSet',
  'AlertRuleRemoved',
  'UsageThresholdCrossed',
  'QuotaUsedUp',
];

export function isOrganizationEventType(type: string): type is OrganizationEventType {
  return (ORGANIZATION_EVENT_TYPES as readonly string[]).includes(type);
}

export const organizationStreamId = (organizationId: string): string => `organization-${organizationId}`;
