// The plain-JSON shapes that cross the boundary between the billing-period
// workflow and its activities, and that a workflow carries into its next run.
// Types only: the workflow sandbox imports this file, so it must hold no code
// that touches a clock, a time-zone library or I/O.
import type { BillingFailure } from '../application/ports/billing-workflows';
import type { BillingPeriodPlan, StripeBilling } from '../domain/billing-calendar';
import type { FeatureSummary, IntervalRecord } from '../domain/events';

export type { BillingFailure, BillingPeriodPlan, FeatureSummary, IntervalRecord, StripeBilling };

/** How often a period workflow records running totals and reports them to Stripe. */
export interface BillingSchedule {
  readonly aggregationIntervalMs: number;
  readonly reportIntervalMs: number;
}

/** Hourly running totals and a daily Stripe report, by default. */
export const DEFAULT_BILLING_SCHEDULE: BillingSchedule = { aggregationIntervalMs: 3_600_000, reportIntervalMs: 86_400_000 };

/** A feature's period quantity as it stood when the workflow asked; Stripe is told the difference from what it knows. */
export interface FeatureTotal {
  readonly feature: string;
  readonly totalQuantity: number;
}

export interface UsageAggregationResult {
  readonly plan: BillingPeriodPlan;
  /** When the totals were recorded; null when the period had already closed and nothing was recorded. */
  readonly asOf: string | null;
  readonly totals: readonly FeatureTotal[];
}

export interface PeriodCloseResult {
  readonly closedAt: string;
  readonly features: readonly FeatureSummary[];
  readonly nextBillingPeriod: IntervalRecord;
  readonly stripeBilling: StripeBilling;
}

export interface PeriodRef {
  readonly organizationId: string;
  readonly billingPeriod: IntervalRecord;
}

export interface UsageReportRequest extends PeriodRef {
  /**
   * Fixed by the workflow for every attempt of one report, so a retry sends the
   * same delta under the same meter-event identifier.
   */
  readonly totals: readonly FeatureTotal[];
  /** At close: 'max' and 'latest' features, which Stripe cannot sum, are reported now, once. */
  readonly final: boolean;
}

export interface FeatureReport {
  readonly feature: string;
  readonly reportSequence: number;
  readonly deltaQuantity: number;
  readonly cumulativeQuantity: number;
  readonly identifier: string;
  readonly alreadyReported: boolean;
}

export interface UsageReportResult {
  /** Null when nothing was sent because the organization is not billed through meters. */
  readonly skipped: 'no-stripe-customer' | 'invoice-mode' | null;
  readonly reports: readonly FeatureReport[];
  readonly reportedAt: string;
}

export interface InvoiceItemsRequest extends PeriodRef {
  /** The closed period's summary: one invoice item per feature with an overage amount above zero. */
  readonly features: readonly FeatureSummary[];
}

export interface InvoiceItemsResult {
  readonly skipped: 'no-stripe-customer' | 'meter-mode' | null;
  readonly invoiceItems: readonly { readonly feature: string; readonly invoiceItemId: string; readonly amount: string; readonly currency: string }[];
}

/** The ApplicationFailure type an activity throws when Stripe refused a request for good (4xx); details[0] is BillingFailure[]. */
export const STRIPE_REQUEST_REJECTED = 'StripeRequestRejected';

/** Stripe work of a period that has not gone through yet, retried with the same inputs until it does. */
export type PendingStripeWork =
  | { readonly kind: 'report'; readonly request: UsageReportRequest; readonly failures: readonly BillingFailure[] }
  | { readonly kind: 'invoice'; readonly request: InvoiceItemsRequest; readonly failures: readonly BillingFailure[] };

/** What one run hands to the next through continue-as-new: JSON only, no Map or Date. */
export interface CarriedBillingState {
  readonly lastAggregationAt: string | null;
  readonly lastReportAt: string | null;
  /** Epoch ms of the next scheduled aggregation and report when the run continues within the same period. */
  readonly nextAggregationAtMs: number | null;
  readonly nextReportAtMs: number | null;
  readonly pending: readonly PendingStripeWork[];
  /** Jobs asked for while the run was finishing, so none is lost across continue-as-new. */
  readonly requested: readonly BillingRequest[];
}

/** Something asked of the workflow by a signal: a billing job, an early close, or new quotas. */
export type BillingRequest = 'aggregate' | 'report' | 'retry-failed' | 'generate-invoice-items' | 'close-now' | 'quota-changed';

export interface BillingPeriodWorkflowInput {
  readonly organizationId: string;
  readonly billingPeriod: IntervalRecord;
  readonly schedule?: BillingSchedule;
  readonly carried?: CarriedBillingState;
}
