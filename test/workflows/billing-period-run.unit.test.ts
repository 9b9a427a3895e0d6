// The state a billing-period workflow run keeps between activities: when it
// next aggregates, reports and closes, what signals asked of it, and what it
// hands to the next run.
import { BillingPeriodRun, requestForJob } from '../../src/workflows/billing-period-run';
import type { PendingStripeWork } from '../../src/workflows/billing-period-types';

const HOUR = 3_600_000;
const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const schedule = { aggregationIntervalMs: HOUR, reportIntervalMs: 24 * HOUR };
const at = (iso: string) => Date.parse(iso);
const plan = (stripeBilling: 'meter' | 'invoice' | 'none') => ({ billingPeriod: november, closesAt: '2026-12-01T01:00:00.000Z', stripeBilling });

describe('a billing-period run', () => {
  it('has no next action until its period is planned', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, at('2026-11-15T12:00:00Z'));
    expect(run.status('billing-org_1')).toMatchObject({ nextAction: null, closed: false, failures: [] });
  });

  it('aggregates hourly and reports daily when billed through meters, and closes after the grace period', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, at('2026-11-15T12:00:00Z'));
    run.applyPlan(plan('meter'), at('2026-11-15T12:00:00Z'));
    expect(run.status('billing-org_1').nextAction).toEqual({ kind: 'aggregate', at: '2026-11-15T13:00:00.000Z' });
    expect(run.reportDue(at('2026-11-16T12:00:00Z'))).toBe(true);
    run.recordReportRound(at('2026-11-30T12:00:00Z'));
    run.recordAggregation(null, at('2026-11-30T23:30:00Z'));
    expect(run.nextDueMs()).toBe(at('2026-12-01T00:30:00Z'));
    run.recordAggregation(null, at('2026-12-01T00:30:00Z'));
    expect(run.status('billing-org_1').nextAction).toEqual({ kind: 'close', at: '2026-12-01T01:00:00.000Z' });
  });

  it('has nothing to report for an organization without a Stripe customer, and says so', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, at('2026-11-15T12:00:00Z'));
    run.applyPlan(plan('none'), at('2026-11-15T12:00:00Z'));
    expect(run.reportDue(at('2026-11-30T00:00:00Z'))).toBe(false);
    expect(run.status('billing-org_1').stripeBilling).toBe('none');
  });

  it('does not count before a period that starts later (after an early close)', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, at('2026-10-20T00:00:00Z'));
    run.applyPlan(plan('meter'), at('2026-10-20T00:00:00Z'));
    expect(run.status('billing-org_1').nextAction).toEqual({ kind: 'aggregate', at: '2026-11-01T01:00:00.000Z' });
  });

  it('turns jobs into requests, consumed once', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, 0);
    run.request(requestForJob('report-all'));
    expect(run.hasRequests()).toBe(true);
    expect(run.take('report')).toBe(true);
    expect(run.take('report')).toBe(false);
    expect(run.hasRequests()).toBe(false);
  });

  it('shows the failures of owed Stripe work and hands the work, and pending requests, to the next run', () => {
    const run = new BillingPeriodRun({ organizationId: 'org_1', billingPeriod: november }, schedule, at('2026-11-15T12:00:00Z'));
    const work: PendingStripeWork = { kind: 'report', request: { organizationId: 'org_1', billingPeriod: november, totals: [{ feature: 'OCR_SCAN', totalQuantity: 3 }], final: true }, failures: [] };
    run.addPending(work);
    run.fail(work, [{ feature: 'OCR_SCAN', error: 'HTTP 400', retryable: false, at: '2026-12-01T01:00:00.000Z' }]);
    run.request('retry-failed');
    run.request('close-now');
    expect(run.status('billing-org_1').failures).toEqual([{ feature: 'OCR_SCAN', error: 'HTTP 400', retryable: false, at: '2026-12-01T01:00:00.000Z' }]);
    const carried = run.carried(false);
    expect(carried).toMatchObject({ lastAggregationAt: null, nextAggregationAtMs: null, requested: ['retry-failed'] });
    expect(carried.pending).toEqual([{ ...work, failures: [expect.objectContaining({ retryable: false })] }]);
    // Plain JSON: what continue-as-new serializes is what the next run reads.
    expect(JSON.parse(JSON.stringify(carried))).toEqual(carried);
  });
});
