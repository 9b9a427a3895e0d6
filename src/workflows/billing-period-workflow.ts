// The billing-period workflow: one run per organization and billing period.
// It records running totals on a schedule, reports the delta to Stripe,
// closes the period after its grace period, bills it (meter report or invoice
// items), and continues as new into the next period. Deterministic: time is
// Temporal's workflow time, and every calendar computation, read and write
// happens in an activity.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BillingActivities } from './activities/billing-activities';
import { billingJobSignal, billingStatusQuery, closeNowSignal, periodEnsuredSignal, quotaChangedSignal } from './billing-period-messages';
import { BillingPeriodRun, requestForJob } from './billing-period-run';
import {
  DEFAULT_BILLING_SCHEDULE,
  STRIPE_REQUEST_REJECTED,
  type BillingFailure,
  type BillingPeriodWorkflowInput,
  type FeatureTotal,
  type IntervalRecord,
  type PendingStripeWork,
} from './billing-period-types';

/**
 * Reads and appends on Tally's own event log: short, idempotent, and run as
 * local activities (inside the worker's workflow task, recorded as markers) so
 * an hourly tick costs the server one workflow task rather than three tasks.
 * Retried until the store answers, except for decisions the domain refused.
 */
const bookkeeping = proxyLocalActivities<BillingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError'] },
});

/**
 * Calls to Stripe: rate limits, outages and lost connections are retried with
 * exponential backoff (about ten minutes in all); after that the work stays
 * pending, shows in the status, and is tried again at the next report or on retry-failed.
 */
const stripeCalls = proxyActivities<BillingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

export async function billingPeriodWorkflow(input: BillingPeriodWorkflowInput): Promise<void> {
  const schedule = input.schedule ?? DEFAULT_BILLING_SCHEDULE;
  const run = new BillingPeriodRun(input, schedule, Date.now());
  const { organizationId } = input;
  // Set by the latest aggregation: the totals a report sends.
  let lastTotals: readonly FeatureTotal[] = [];

  // Starting the workflow was the point of the signal: this run already owns the earliest open period.
  setHandler(periodEnsuredSignal, () => undefined);
  setHandler(billingJobSignal, (job) => run.request(requestForJob(job)));
  setHandler(closeNowSignal, () => run.request('close-now'));
  setHandler(quotaChangedSignal, () => run.request('quota-changed'));
  setHandler(billingStatusQuery, () => run.status(workflowInfo().workflowId));

  const plan = await bookkeeping.planBillingPeriod({ organizationId, billingPeriod: input.billingPeriod });
  if (plan.billingPeriod.start !== input.billingPeriod.start) return continueInto(plan.billingPeriod, false);
  run.applyPlan(plan, Date.now());

  for (;;) {
    const waitMs = run.nextDueMs() - Date.now();
    if (waitMs > 0 && !run.hasRequests()) await condition(() => run.hasRequests(), waitMs);
    const nowMs = Date.now();

    const closeNow = run.take('close-now');
    if (closeNow && nowMs < run.periodStartMs) log.warn('close-now ignored: the period has not started', { organizationId, billingPeriod: run.billingPeriod });
    if ((closeNow && nowMs >= run.periodStartMs) || nowMs >= run.closesAtMs) {
      const next = await closePeriod(nowMs < run.closesAtMs);
      return continueInto(next, false);
    }
    const reportNow = run.take('report') || run.reportDue(nowMs);
    // Both requests are consumed: one aggregation answers them both.
    const aggregateAsked = [run.take('aggregate'), run.take('quota-changed')].includes(true);
    const aggregateNow = aggregateAsked || run.aggregationDue(nowMs);
    if (reportNow) {
      await report();
    } else if (aggregateNow) {
      const moved = await aggregate();
      if (moved) return continueInto(moved, false);
    }
    if (run.take('retry-failed')) await retryFailed();
    if (run.take('generate-invoice-items')) await settlePending((work) => work.kind === 'invoice');
    // A month of hourly ticks outgrows one history; the next run keeps the same period and rhythm.
    if (workflowInfo().continueAsNewSuggested) return continueInto(run.billingPeriod, true);
  }

  /** Records the running totals; returns the period to move to when the organization's calendar no longer has this one. */
  async function aggregate(): Promise<IntervalRecord | null> {
    const result = await bookkeeping.aggregateUsage({ organizationId, billingPeriod: run.billingPeriod });
    run.recordAggregation(result.asOf, Date.now());
    if (result.plan.billingPeriod.start !== run.billingPeriod.start) return result.plan.billingPeriod;
    run.applyPlan(result.plan, Date.now());
    lastTotals = result.totals;
    return null;
  }

  async function report(): Promise<void> {
    const moved = await aggregate();
    if (moved) return continueInto(moved, false);
    if (run.stripeBilling === 'meter' && !run.hasPending('report', run.billingPeriod)) {
      run.addPending({ kind: 'report', request: { organizationId, billingPeriod: run.billingPeriod, totals: lastTotals, final: false }, failures: [] });
    }
    run.recordReportRound(Date.now());
    // Work refused for good waits for retry-failed; everything else is tried again now.
    await settlePending((work) => work.failures.every((failure) => failure.retryable));
  }

  async function retryFailed(): Promise<void> {
    await settlePending(() => true);
    // What the failed report held back is due now too.
    if (run.stripeBilling === 'meter' && !run.hasPending('report', run.billingPeriod)) await report();
  }

  async function closePeriod(early: boolean): Promise<IntervalRecord> {
    const moved = await aggregate();
    if (moved) return moved;
    const closed = await bookkeeping.closeBillingPeriod({ organizationId, billingPeriod: run.billingPeriod, early });
    run.closed = true;
    run.lastAggregationAt = closed.closedAt;
    // The closed summary is final (later usage is a correction in the next period), so it is what Stripe is told.
    const period = { organizationId, billingPeriod: run.billingPeriod };
    if (closed.stripeBilling === 'meter') {
      const totals = closed.features.map((line) => ({ feature: line.feature, totalQuantity: line.totalQuantity }));
      run.addPending({ kind: 'report', request: { ...period, totals, final: true }, failures: [] });
    } else if (closed.stripeBilling === 'invoice') {
      run.addPending({ kind: 'invoice', request: { ...period, features: closed.features }, failures: [] });
    }
    await settlePending((work) => work.request.billingPeriod.start === run.billingPeriod.start || work.failures.every((failure) => failure.retryable));
    return closed.nextBillingPeriod;
  }

  /**
   * Runs the owed Stripe work in order. Work of one kind and period is ordered
   * (report sequences follow each other), so once one item is skipped or fails,
   * the later ones of the same kind and period wait.
   */
  async function settlePending(eligible: (work: PendingStripeWork) => boolean): Promise<void> {
    const held = new Set<string>();
    for (const work of [...run.pending]) {
      const lane = `${work.kind}|${work.request.billingPeriod.start}`;
      if (held.has(lane) || !eligible(work)) {
        held.add(lane);
        continue;
      }
      try {
        if (work.kind === 'report') {
          const result = await stripeCalls.reportUsageToStripe(work.request);
          run.settle(work, result.skipped === null ? result.reportedAt : null);
        } else {
          await stripeCalls.createInvoiceItems(work.request);
          run.settle(work, null);
        }
      } catch (error) {
        if (isCancellation(error)) throw error;
        run.fail(work, failuresOf(error, work));
        held.add(lane);
      }
    }
  }

  async function continueInto(billingPeriod: IntervalRecord, samePeriod: boolean): Promise<never> {
    // Signals already accepted must finish before the run hands over.
    await condition(allHandlersFinished);
    return continueAsNew<typeof billingPeriodWorkflow>({ organizationId, billingPeriod, schedule, carried: run.carried(samePeriod) });
  }
}

/** What the status shows for failed Stripe work: Stripe's refusal per feature, or the last retryable error. */
function failuresOf(error: unknown, work: PendingStripeWork): BillingFailure[] {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === STRIPE_REQUEST_REJECTED && Array.isArray(cause.details?.[0])) {
    return cause.details[0] as BillingFailure[];
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  const features = work.kind === 'report' ? work.request.totals.map((total) => total.feature) : work.request.features.map((line) => line.feature);
  const at = new Date(Date.now()).toISOString();
  return (features.length > 0 ? features : ['*']).map((feature) => ({ feature, error: `${work.request.billingPeriod.start}: ${message}`, retryable: true, at }));
}
