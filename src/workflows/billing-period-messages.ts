// The signals and the query of a billing-period workflow, shared by the
// workflow (which handles them) and the Temporal adapter (which sends them), so
// the two can never disagree on a name or an argument.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BillingJob, BillingPeriodStatus } from '../application/ports/billing-workflows';
import type { IntervalRecord } from '../domain/events';

export const BILLING_PERIOD_WORKFLOW_TYPE = 'billingPeriodWorkflow';

/** One workflow per organization: each run owns one billing period and continues as new into the next. */
export const billingWorkflowId = (organizationId: string): string => `billing-${organizationId}`;

/** Sent with signal-with-start: the reactor saw the organization configured, or usage in this period. */
export const periodEnsuredSignal = defineSignal<[IntervalRecord]>('billingPeriodEnsured');

/** One of the manual billing jobs, for this organization. */
export const billingJobSignal = defineSignal<[BillingJob]>('runBillingJob');

/** An operator closes the period before its end (CloseBillingPeriod with early: true). */
export const closeNowSignal = defineSignal('closePeriodNow');

/** Quotas or settings changed: record fresh running totals and re-read the close time and Stripe mode. */
export const quotaChangedSignal = defineSignal('quotaChanged');

export type BillingWorkflowStatus = BillingPeriodStatus;

export const billingStatusQuery = defineQuery<BillingWorkflowStatus>('billingPeriodStatus');
