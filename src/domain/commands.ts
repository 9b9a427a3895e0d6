// What callers ask of an organization. Commands carry everything the decision
// needs except the current state and "now": ids and idempotency keys are
// assigned before deciding, so `decide` stays pure.
import type { Aggregation } from './catalogue';
import type { AlertWatch, IntervalRecord, InvoiceItemCreated, StripeReportFailed, UsageReportedToStripe } from './events';
import type { OrganizationSettings } from './organization-settings';
import type { PricingModel } from './pricing';
import type { QuotaEnforcement } from './quota';
import type { ResetPeriod } from './periods';

export type ConfigureOrganization = {
  readonly type: 'ConfigureOrganization';
  readonly data: { readonly organizationId: string } & Partial<OrganizationSettings>;
};

export type DefineCustomFeature = {
  readonly type: 'DefineCustomFeature';
  readonly data: {
    readonly organizationId: string;
    readonly key: string;
    readonly displayName: string;
    readonly unit: string;
    readonly aggregation?: Aggregation;
  };
};

export type ConfigureQuota = {
  readonly type: 'ConfigureQuota';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly includedQuantity: number;
    /** The simple shape: a per-unit price in minor units. Exclusive with `pricing`. */
    readonly pricePerUnit?: string | number;
    readonly pricing?: PricingModel;
    readonly currency?: string;
    readonly resetPeriod?: ResetPeriod;
    readonly enforcement?: QuotaEnforcement;
  };
};

export type RemoveQuota = {
  readonly type: 'RemoveQuota';
  readonly data: { readonly organizationId: string; readonly feature: string };
};

export interface UsageItem {
  readonly feature: string;
  readonly quantity: number;
  /** Given by the caller, or derived before deciding (see usage-identity.ts). */
  readonly idempotencyKey: string;
  /** When the usage happened; absent means "when it arrives". */
  readonly timestamp?: string;
  readonly userId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** One or many usage items; a bulk is accepted whole or not at all. */
export type TrackUsage = {
  readonly type: 'TrackUsage';
  readonly data: {
    readonly organizationId: string;
    readonly items: readonly UsageItem[];
    /** Errors name fields as `items[i].field` for a bulk, plain `field` for a single event. */
    readonly bulk?: boolean;
  };
};

/** An operator's adjustment of a feature's usage, with a reason; counts in the open period. */
export type CorrectUsage = {
  readonly type: 'CorrectUsage';
  readonly data: {
    readonly organizationId: string;
    readonly feature: string;
    readonly quantity: number;
    readonly reason: string;
    readonly idempotencyKey: string;
    readonly timestamp?: string;
  };
};

/** Records the period's running totals (the hourly aggregation). */
export type RecordUsageAggregation = {
  readonly type: 'RecordUsageAggregation';
  readonly data: { readonly organizationId: string; readonly billingPeriod: IntervalRecord };
};

/** Closes a period once its grace period is over (or early, when an operator says so). */
export type CloseBillingPeriod = {
  readonly type: 'CloseBillingPeriod';
  readonly data: { readonly organizationId: string; readonly billingPeriod: IntervalRecord; readonly early?: boolean };
};

export type RecordStripeReport = {
  readonly type: 'RecordStripeReport';
  readonly data: Omit<UsageReportedToStripe['data'], 'reportedAt'>;
};

export type RecordStripeFailure = {
  readonly type: 'RecordStripeFailure';
  readonly data: Omit<StripeReportFailed['data'], 'failedAt'>;
};

export type RecordInvoiceItem = {
  readonly type: 'RecordInvoiceItem';
  readonly data: Omit<InvoiceItemCreated['data'], 'createdAt'>;
};

/** Holds quantity against the feature's quota window until the work is done (commit), abandoned (release) or the hold expires. */
export type ReserveUsage = {
  readonly type: 'ReserveUsage';
  readonly data: {
    readonly organizationId: string;
    /** Assigned before deciding; a repeat of `idempotencyKey` answers the reservation it made instead. */
    readonly reservationId: string;
    readonly feature: string;
    readonly quantity: number;
    readonly expiresInSeconds: number;
    readonly idempotencyKey?: string;
  };
};

/** Records the work's actual usage (smaller or larger than reserved) and lets the reservation go. */
export type CommitReservation = {
  readonly type: 'CommitReservation';
  readonly data: {
    readonly organizationId: string;
    readonly reservationId: string;
    readonly quantity: number;
    readonly userId?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
  };
};

export type ReleaseReservation = {
  readonly type: 'ReleaseReservation';
  readonly data: { readonly organizationId: string; readonly reservationId: string };
};

/** Creates an alert rule, or replaces the rule with this id. */
export type SetAlertRule = {
  readonly type: 'SetAlertRule';
  readonly data: { readonly organizationId: string; readonly ruleId: string; readonly watch: AlertWatch };
};

export type RemoveAlertRule = {
  readonly type: 'RemoveAlertRule';
  readonly data: { readonly organizationId: string; readonly ruleId: string };
};

export type OrganizationCommand =
  | ConfigureOrganization
  | DefineCustomFeature
  | ConfigureQuota
  | RemoveQuota
  | TrackUsage
  | CorrectUsage
  | RecordUsageAggregation
  | CloseBillingPeriod
  | RecordStripeReport
  | RecordStripeFailure
  | RecordInvoiceItem
  | ReserveUsage
  | CommitReservation
  | ReleaseReservation
  | SetAlertRule
  | RemoveAlertRule;
