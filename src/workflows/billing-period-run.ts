// What a billing-period workflow run knows between activities: its period and
// close time, when it next aggregates and reports, what was asked of it by
// signals, and the Stripe work still owed (with why it failed). Plain data and
// pure methods, so the workflow sandbox can run it and a run can hand it to the
// next through continue-as-new. Time always comes in as an argument.
import type { BillingJob } from '../application/ports/billing-workflows';
import type {
  BillingFailure,
  BillingPeriodPlan,
  BillingPeriodWorkflowInput,
  BillingRequest,
  BillingSchedule,
  CarriedBillingState,
  IntervalRecord,
  PendingStripeWork,
  StripeBilling,
} from './billing-period-types';
import type { BillingWorkflowStatus } from './billing-period-messages';

const JOB_REQUESTS: Readonly<Record<BillingJob, BillingRequest>> = {
  'aggregate-all': 'aggregate',
  'report-all': 'report',
  'retry-failed': 'retry-failed',
  'generate-invoice-items': 'generate-invoice-items',
};

export const requestForJob = (job: BillingJob): BillingRequest => JOB_REQUESTS[job];

const iso = (ms: number): string => new Date(ms).toISOString();

export class BillingPeriodRun {
  readonly organizationId: string;
  readonly billingPeriod: IntervalRecord;
  readonly schedule: BillingSchedule;
  closesAtMs: number;
  stripeBilling: StripeBilling = 'none';
  lastAggregationAt: string | null;
  lastReportAt: string | null;
  nextAggregationAtMs: number;
  /** Null while the organization is not billed through meters: there is nothing to report. */
  nextReportAtMs: number | null;
  pending: PendingStripeWork[];
  closed = false;
  /** False until the first plan arrives: the close time and the Stripe mode are not known yet. */
  private planned = false;
  private readonly requested = new Set<BillingRequest>();

  constructor(input: BillingPeriodWorkflowInput, schedule: BillingSchedule, nowMs: number) {
    const carried = input.carried;
    this.organizationId = input.organizationId;
    this.billingPeriod = input.billingPeriod;
    this.schedule = schedule;
    // Until the plan arrives, assume the period closes when it ends.
    this.closesAtMs = Date.parse(input.billingPeriod.end);
    this.lastAggregationAt = carried?.lastAggregationAt ?? null;
    this.lastReportAt = carried?.lastReportAt ?? null;
    // A period that starts later (after an early close) has nothing to count before it starts.
    const countingFromMs = Math.max(nowMs, Date.parse(input.billingPeriod.start));
    this.nextAggregationAtMs = carried?.nextAggregationAtMs ?? countingFromMs + schedule.aggregationIntervalMs;
    this.nextReportAtMs = carried?.nextReportAtMs ?? null;
    this.pending = [...(carried?.pending ?? [])];
    for (const request of carried?.requested ?? []) this.requested.add(request);
  }

  get periodStartMs(): number {
    return Date.parse(this.billingPeriod.start);
  }

  applyPlan(plan: BillingPeriodPlan, nowMs: number): void {
    this.planned = true;
    this.closesAtMs = Date.parse(plan.closesAt);
    this.stripeBilling = plan.stripeBilling;
    if (plan.stripeBilling !== 'meter') this.nextReportAtMs = null;
    else if (this.nextReportAtMs === null) this.nextReportAtMs = Math.max(nowMs, this.periodStartMs) + this.schedule.reportIntervalMs;
  }

  request(request: BillingRequest): void {
    this.requested.add(request);
  }

  hasRequests(): boolean {
    return this.requested.size > 0;
  }

  /** Whether the request was pending; it is consumed either way. */
  take(request: BillingRequest): boolean {
    return this.requested.delete(request);
  }

  /** The earliest instant something is due: an aggregation, a report or the close. */
  nextDueMs(): number {
    return Math.min(this.nextAggregationAtMs, this.nextReportAtMs ?? Number.POSITIVE_INFINITY, this.closesAtMs);
  }

  aggregationDue(nowMs: number): boolean {
    return nowMs >= this.nextAggregationAtMs;
  }

  reportDue(nowMs: number): boolean {
    return this.nextReportAtMs !== null && nowMs >= this.nextReportAtMs;
  }

  recordAggregation(asOf: string | null, nowMs: number): void {
    if (asOf !== null) this.lastAggregationAt = asOf;
    this.nextAggregationAtMs = nowMs + this.schedule.aggregationIntervalMs;
  }

  recordReportRound(nowMs: number): void {
    if (this.nextReportAtMs !== null) this.nextReportAtMs = nowMs + this.schedule.reportIntervalMs;
  }

  hasPending(kind: PendingStripeWork['kind'], billingPeriod: IntervalRecord): boolean {
    return this.pending.some((work) => work.kind === kind && work.request.billingPeriod.start === billingPeriod.start);
  }

  addPending(work: PendingStripeWork): void {
    this.pending.push(work);
  }

  settle(work: PendingStripeWork, reportedAt: string | null): void {
    this.pending = this.pending.filter((candidate) => candidate !== work);
    if (work.kind === 'report' && reportedAt !== null) this.lastReportAt = reportedAt;
  }

  fail(work: PendingStripeWork, failures: readonly BillingFailure[]): PendingStripeWork {
    const failed = { ...work, failures } as PendingStripeWork;
    this.pending = this.pending.map((candidate) => (candidate === work ? failed : candidate));
    return failed;
  }

  /** What the next run gets: the rhythm only when it continues in this same period. */
  carried(samePeriod: boolean): CarriedBillingState {
    return {
      lastAggregationAt: samePeriod ? this.lastAggregationAt : null,
      lastReportAt: samePeriod ? this.lastReportAt : null,
      nextAggregationAtMs: samePeriod ? this.nextAggregationAtMs : null,
      nextReportAtMs: samePeriod ? this.nextReportAtMs : null,
      pending: this.pending,
      requested: [...this.requested].filter((request) => samePeriod || request !== 'close-now'),
    };
  }

  status(workflowId: string): BillingWorkflowStatus {
    return {
      organizationId: this.organizationId,
      billingPeriod: this.billingPeriod,
      workflowId,
      lastAggregationAt: this.lastAggregationAt,
      lastReportAt: this.lastReportAt,
      failures: this.pending.flatMap((work) => work.failures),
      nextAction: this.closed || !this.planned ? null : this.nextAction(),
      closed: this.closed,
      stripeBilling: this.stripeBilling,
    };
  }

  private nextAction(): BillingWorkflowStatus['nextAction'] {
    const candidates: { kind: 'aggregate' | 'report' | 'close'; atMs: number }[] = [
      { kind: 'close', atMs: this.closesAtMs },
      { kind: 'report', atMs: this.nextReportAtMs ?? Number.POSITIVE_INFINITY },
      { kind: 'aggregate', atMs: this.nextAggregationAtMs },
    ];
    // The close comes first on a tie: it aggregates and reports too.
    const next = candidates.reduce((earliest, candidate) => (candidate.atMs < earliest.atMs ? candidate : earliest));
    return { kind: next.kind, at: iso(next.atMs) };
  }
}
