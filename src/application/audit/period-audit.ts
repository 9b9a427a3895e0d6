// Proves a period's bill from the event log alone: recomputes it with the same
// domain code, then compares with the period close, the read models, and what
// Stripe was told (meter reports) or billed (invoice items). Every difference
// is listed; none means the bill stands.
import type { FeatureSummary, IntervalRecord, OrganizationEvent } from '../../domain/events';
import { toMajorString } from '../../domain/money';
import { evolve, initialOrganizationState, organizationNotFound, type ActiveOrganization, type OrganizationState } from '../../domain/organization';
import { billingPeriodForKey } from '../../domain/period-key';
import { DailyUsageIndex } from '../../domain/daily-usage';
import { periodsPricedWith, statementForPeriod, toFeatureSummary, type FeatureLine } from '../../domain/period-statement';
import { organizationHistory } from '../event-log/organization-history';
import type { Clock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import type { UsageReadModels } from '../ports/usage-read-models';
import { AuditGate, type AuditGateOptions } from './audit-gate';
import { awaitFreshness, DEFAULT_FRESHNESS_WAIT, type Freshness, type FreshnessWait } from '../usage/read-model-freshness';
import { toIntervalRecord } from '../../domain/periods';

export interface AuditedFeature {
  readonly feature: string;
  readonly eventsCounted: number;
  readonly duplicatesIgnored: number;
  readonly corrections: number;
  readonly quantity: number;
  readonly includedQuantity: number;
  readonly overageQuantity: number;
  readonly overageAmount: string;
  readonly currency: string;
  /** Cumulative quantity the Stripe meter was last told, and in how many reports. */
  readonly reportedToStripe: { readonly quantity: number; readonly reports: number } | null;
  readonly invoiced: { readonly amount: string; readonly currency: string } | null;
}

export interface AuditDifference {
  readonly source: 'period-close' | 'read-model' | 'stripe-meter' | 'stripe-invoice' | 'event-log';
  readonly feature: string;
  readonly field: string;
  /** What the event log says. */
  readonly expected: string;
  readonly actual: string;
}

export interface PeriodAudit {
  readonly organizationId: string;
  readonly period: string;
  readonly billingPeriod: IntervalRecord;
  readonly closedAt: string | null;
  readonly features: readonly AuditedFeature[];
  readonly differences: readonly AuditDifference[];
  readonly agrees: boolean;
  /** Global position of the organization's last event: the log the audit read ends here. */
  readonly logPosition: string;
  /** The read models compared; `includesRequestedPosition` false means they had not caught up with the log in time. */
  readonly readModels: Freshness;
}

export interface AuditOptions {
  readonly clock: Clock;
  /** How long to wait for the read models to include the organization's last event before comparing. */
  readonly wait?: FreshnessWait;
}

interface LogFacts {
  state: ActiveOrganization;
  /** Daily usage of the audited period and the ones before it, folded as the events stream by. */
  usage: DailyUsageIndex;
  /** Duplicates ignored of keys counted in the audited period, per feature. */
  duplicatesIgnored: Map<string, number>;
  duplicatesInLog: Map<string, number>;
  closed: FeatureSummary[] | null;
  closedAt: string | null;
  reports: Map<string, { quantity: number; reports: number }>;
  invoices: Map<string, { amount: string; currency: string }>;
  lastPosition: bigint;
}

/**
 * Streams the organization's log once, page by page, keeping only what the
 * audit compares: daily usage (bounded by days, not events) and the keys
 * counted in the audited period, so its memory follows the period, not the
 * organization's history.
 */
async function readFacts(store: EventStore, organizationId: string, periodKey: string): Promise<{ facts: LogFacts; period: IntervalRecord }> {
  let state: OrganizationState = initialOrganizationState();
  let period: IntervalRecord | null = null;
  let closedState: ActiveOrganization | null = null;
  const facts: Omit<LogFacts, 'state'> = {
    usage: new DailyUsageIndex(),
    duplicatesIgnored: new Map(),
    duplicatesInLog: new Map(),
    closed: null,
    closedAt: null,
    reports: new Map(),
    invoices: new Map(),
    lastPosition: 0n,
  };
  // Keys of the usage counted in the audited period: the write side accepts a key once, across all periods.
  const periodKeys = new Set<string>();
  const apply = (event: OrganizationEvent) => {
    state = evolve(state, event);
    if (!period && state.status === 'active') period = toIntervalRecord(billingPeriodForKey(periodKey, state.settings));
  };
  const countIn = (map: Map<string, number>, feature: string) => map.set(feature, (map.get(feature) ?? 0) + 1);
  for await (const page of organizationHistory(store, organizationId)) {
    for (const { recorded, event } of page) {
      facts.lastPosition = recorded.position;
      apply(event);
      if (!period) continue;
      const p: IntervalRecord = period;
      switch (event.type) {
        case 'UsageRecorded':
        case 'UsageCorrected': {
          const inPeriod = event.data.billingPeriod.start === p.start;
          // The log should never hold a key twice; if it does, count it once and say so.
          if (inPeriod && periodKeys.has(event.data.idempotencyKey)) {
            countIn(facts.duplicatesInLog, event.data.feature);
            break;
          }
          if (inPeriod) periodKeys.add(event.data.idempotencyKey);
          if (Date.parse(event.data.billingPeriod.start) <= Date.parse(p.start)) facts.usage.apply(event, state);
          break;
        }
        case 'UsageDuplicateIgnored':
          // A duplicate comes after the usage it repeats, so its key is known by then.
          if (periodKeys.has(event.data.idempotencyKey)) countIn(facts.duplicatesIgnored, event.data.feature);
          break;
        case 'UsageReportedToStripe':
          if (event.data.billingPeriod.start === p.start) {
            const previous = facts.reports.get(event.data.feature);
            facts.reports.set(event.data.feature, { quantity: event.data.cumulativeQuantity, reports: (previous?.reports ?? 0) + 1 });
          }
          break;
        case 'InvoiceItemCreated':
          if (event.data.billingPeriod.start === p.start) facts.invoices.set(event.data.feature, { amount: event.data.amount, currency: event.data.currency });
          break;
        case 'BillingPeriodClosed':
          if (event.data.billingPeriod.start === p.start) {
            facts.closed = [...event.data.features];
            facts.closedAt = event.data.closedAt;
            // The bill was priced with the quotas in force when the period closed.
            closedState = state as ActiveOrganization;
          }
          break;
        default:
          break;
      }
    }
  }
  if (!period) throw organizationNotFound(organizationId);
  return { facts: { ...facts, state: closedState ?? (state as ActiveOrganization) }, period };
}

function compare(differences: AuditDifference[], source: AuditDifference['source'], feature: string, pairs: [string, string | number, string | number][]): void {
  for (const [field, expected, actual] of pairs) {
    if (String(expected) !== String(actual)) differences.push({ source, feature, field, expected: String(expected), actual: String(actual) });
  }
}

export async function auditPeriod(
  store: EventStore,
  readModels: UsageReadModels,
  organizationId: string,
  periodKey: string,
  options: AuditOptions,
): Promise<PeriodAudit> {
  const { facts, period } = await readFacts(store, organizationId, periodKey);
  // A projector a few events behind is not a wrong bill: compare once the read models include everything the audit read.
  const freshness = await awaitFreshness(readModels, options.clock, facts.lastPosition, options.wait ?? DEFAULT_FRESHNESS_WAIT);
  const lines = statementForPeriod(facts.state, period, facts.usage.all());
  const differences: AuditDifference[] = [];
  const modelLines = new Map<string, FeatureLine>(
    statementForPeriod(facts.state, period, await readModels.dailyUsage(organizationId, periodsPricedWith(facts.state, period).map((p) => p.start))).map((line) => [line.feature, line]),
  );
  const features = lines.map((line): AuditedFeature => {
    const summary = toFeatureSummary(line);
    const audited: AuditedFeature = {
      feature: line.feature,
      eventsCounted: line.events,
      duplicatesIgnored: (facts.duplicatesIgnored.get(line.feature) ?? 0) + (facts.duplicatesInLog.get(line.feature) ?? 0),
      corrections: line.corrections,
      quantity: line.totalQuantity,
      includedQuantity: line.includedQuantity,
      overageQuantity: line.overageQuantity,
      overageAmount: summary.overageAmount,
      currency: summary.currency,
      reportedToStripe: facts.reports.get(line.feature) ?? null,
      invoiced: facts.invoices.get(line.feature) ?? null,
    };
    if ((facts.duplicatesInLog.get(line.feature) ?? 0) > 0) {
      compare(differences, 'event-log', line.feature, [['idempotency keys recorded twice', 0, facts.duplicatesInLog.get(line.feature) ?? 0]]);
    }
    const model = modelLines.get(line.feature);
    compare(differences, 'read-model', line.feature, [
      ['quantity', line.totalQuantity, model?.totalQuantity ?? 0],
      ['overageQuantity', line.overageQuantity, model?.overageQuantity ?? 0],
      ['overageAmount', summary.overageAmount, model ? toMajorString(model.overageAmount) : 'missing'],
      ['events', line.events, model?.events ?? 0],
    ]);
    if (facts.closed) {
      const closed = facts.closed.find((f) => f.feature === line.feature);
      compare(differences, 'period-close', line.feature, [
        ['quantity', summary.totalQuantity, closed?.totalQuantity ?? 'missing'],
        ['overageQuantity', summary.overageQuantity, closed?.overageQuantity ?? 'missing'],
        ['overageAmount', summary.overageAmount, closed?.overageAmount ?? 'missing'],
        ['currency', summary.currency, closed?.currency ?? 'missing'],
      ]);
      // Once closed, a meter must hold exactly the period's quantity and an invoice exactly its overage.
      if (audited.reportedToStripe) compare(differences, 'stripe-meter', line.feature, [['reported quantity', line.totalQuantity, audited.reportedToStripe.quantity]]);
      if (audited.invoiced) compare(differences, 'stripe-invoice', line.feature, [['invoiced amount', `${summary.overageAmount} ${summary.currency}`, `${audited.invoiced.amount} ${audited.invoiced.currency}`]]);
    } else if (audited.reportedToStripe && audited.reportedToStripe.quantity > line.totalQuantity) {
      compare(differences, 'stripe-meter', line.feature, [['reported quantity (at most)', line.totalQuantity, audited.reportedToStripe.quantity]]);
    }
    return audited;
  });
  for (const [feature, model] of modelLines) {
    if (!lines.some((line) => line.feature === feature) && model.totalQuantity !== 0) {
      compare(differences, 'read-model', feature, [['quantity', 0, model.totalQuantity]]);
    }
  }
  return {
    organizationId,
    period: periodKey,
    billingPeriod: period,
    closedAt: facts.closedAt,
    features,
    differences,
    agrees: differences.length === 0,
    logPosition: facts.lastPosition.toString(),
    readModels: freshness,
  };
}

/** The audit as a service: what the HTTP API calls with the process's store, read models and clock. */
export class PeriodAudits {
  private readonly gate: AuditGate;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: UsageReadModels,
    private readonly options: AuditOptions & { readonly gate?: AuditGateOptions },
  ) {
    this.gate = new AuditGate(options.gate);
  }

  /** One audit, when its turn comes; TooManyAuditsError when too many already wait. */
  audit(organizationId: string, periodKey: string): Promise<PeriodAudit> {
    return this.gate.run(() => auditPeriod(this.store, this.readModels, organizationId, periodKey, this.options));
  }
}
