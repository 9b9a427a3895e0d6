// The billing-period workflows as the rest of Tally sees them: make sure an
// organization's period has its workflow, run the manual billing jobs, and ask
// a workflow how it is doing. The Temporal adapter lives in src/workflows.
import type { StripeBilling } from '../../domain/billing-calendar';
import type { IntervalRecord } from '../../domain/events';

/** The four manual billing jobs, as signals to the running period workflows. */
export type BillingJob = 'aggregate-all' | 'report-all' | 'retry-failed' | 'generate-invoice-items';
export const BILLING_JOBS: readonly BillingJob[] = ['aggregate-all', 'report-all', 'retry-failed', 'generate-invoice-items'];

export type { StripeBilling };

export interface BillingFailure {
  readonly feature: string;
  readonly error: string;
  readonly retryable: boolean;
  readonly at: string;
}

export interface BillingPeriodStatus {
  readonly organizationId: string;
  readonly billingPeriod: IntervalRecord;
  readonly workflowId: string;
  readonly lastAggregationAt: string | null;
  readonly lastReportAt: string | null;
  readonly failures: readonly BillingFailure[];
  /** What the workflow will do next, and when. */
  readonly nextAction: { readonly kind: 'aggregate' | 'report' | 'close'; readonly at: string } | null;
  readonly closed: boolean;
  readonly stripeBilling: StripeBilling;
}

export interface BillingWorkflows {
  /** Starts the period's workflow if it is not running (signal-with-start: never two). */
  ensurePeriodWorkflow(organizationId: string, billingPeriod: IntervalRecord): Promise<void>;
  /** Signals the running period workflows of one organization, or of all; returns how many were signalled. */
  runJob(job: BillingJob, organizationId?: string): Promise<{ readonly signalled: number }>;
  /** The running period workflow's status, or null when the organization has none. */
  status(organizationId: string): Promise<BillingPeriodStatus | null>;
}

/** The workflow engine could not be reached or did not answer in time; the caller may try again shortly. */
export class BillingWorkflowsUnavailableError extends Error {
  override readonly name = 'BillingWorkflowsUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
