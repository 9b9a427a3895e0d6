// What one billing period costs an organization, per feature: the quantity of
// each quota window, the free part, the overage and the amount, rounded once
// per window. Read models, period close and audits all call this one function
// with window totals (from MongoDB, from the state, or from raw events).
import type { Aggregation, FeatureDefinition } from './catalogue';
import type { FeatureSummary, IntervalRecord, UsageEvent } from './events';
import { addMoney, toMajorString, zero, type Money } from './money';
import { effectiveQuota, findFeature, type ActiveOrganization } from './organization';
import type { ResetPeriod } from './periods';
import { chargeForWindow, incrementalCharge } from './pricing';
import { EMPTY_WINDOW_TOTAL, mergeTotals, type WindowTotal } from './usage-aggregation';
import { WindowUsageIndex } from './window-usage-index';

/** A window's usage as recorded in one billing period. */
export interface WindowUsage {
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  readonly window: IntervalRecord;
  readonly total: WindowTotal;
}

export interface FeatureLine {
  readonly feature: string;
  readonly displayName: string;
  readonly unit: string;
  readonly aggregation: Aggregation;
  readonly resetPeriod: ResetPeriod;
  readonly includedQuantity: number;
  readonly totalQuantity: number;
  readonly overageQuantity: number;
  readonly overageAmount: Money;
  readonly windows: number;
  readonly events: number;
  readonly corrections: number;
}

const isBefore = (a: IntervalRecord, b: IntervalRecord) => Date.parse(a.start) < Date.parse(b.start);
const nonNegative = (quantity: number) => Math.max(0, quantity);

function featureLine(state: ActiveOrganization, feature: FeatureDefinition, period: IntervalRecord, usage: readonly WindowUsage[]): FeatureLine {
  const quota = effectiveQuota(state, feature);
  const aggregation = feature.aggregation;
  const inPeriod = usage.filter((u) => u.billingPeriod.start === period.start);
  const windowStarts = [...new Set(inPeriod.map((u) => u.window.start))].sort();
  let line: FeatureLine = {
    feature: feature.key,
    displayName: feature.displayName,
    unit: feature.unit,
    aggregation,
    resetPeriod: quota.resetPeriod,
    includedQuantity: quota.includedQuantity,
    totalQuantity: 0,
    overageQuantity: 0,
    overageAmount: zero(quota.currency),
    windows: windowStarts.length,
    events: 0,
    corrections: 0,
  };
  for (const windowStart of windowStarts) {
    const parts = usage
      .filter((u) => u.window.start === windowStart && !isBefore(period, u.billingPeriod))
      .sort((a, b) => Date.parse(a.billingPeriod.start) - Date.parse(b.billingPeriod.start));
    const earlier = parts.filter((u) => isBefore(u.billingPeriod, period)).reduce((t, u) => mergeTotals(aggregation, t, u.total), EMPTY_WINDOW_TOTAL);
    const current = parts.filter((u) => u.billingPeriod.start === period.start).reduce((t, u) => mergeTotals(aggregation, t, u.total), EMPTY_WINDOW_TOTAL);
    const cumulative = mergeTotals(aggregation, earlier, current);
    const spansEarlierPeriods = earlier.events + earlier.corrections > 0;
    // A window that began in an earlier period bills only what this period added to it.
    const charge = spansEarlierPeriods
      ? incrementalCharge(nonNegative(earlier.quantity), nonNegative(cumulative.quantity), quota.includedQuantity, quota.pricing, quota.currency)
      : chargeForWindow(nonNegative(cumulative.quantity), quota.includedQuantity, quota.pricing, quota.currency);
    line = {
      ...line,
      totalQuantity: line.totalQuantity + (spansEarlierPeriods ? cumulative.quantity - earlier.quantity : cumulative.quantity),
      overageQuantity: line.overageQuantity + charge.overageQuantity,
      overageAmount: addMoney(line.overageAmount, charge.amount),
      events: line.events + current.events,
      corrections: line.corrections + current.corrections,
    };
  }
  return line;
}

/**
 * One line per feature that has usage in the period or a configured quota.
 * `usage` may hold earlier periods' parts of QUARTERLY/YEARLY windows; later
 * periods are ignored. Prices are those of the quotas in `state`.
 */
export function statementForPeriod(state: ActiveOrganization, period: IntervalRecord, usage: readonly WindowUsage[]): FeatureLine[] {
  const keys = new Set<string>(Object.keys(state.quotas));
  for (const u of usage) if (u.billingPeriod.start === period.start) keys.add(u.feature);
  return [...keys]
    .sort()
    .flatMap((key) => {
      const feature = findFeature(state, key);
      return feature ? [featureLine(state, feature, period, usage.filter((u) => u.feature === key))] : [];
    });
}

export function toFeatureSummary(line: FeatureLine): FeatureSummary {
  return {
    feature: line.feature,
    totalQuantity: line.totalQuantity,
    includedQuantity: line.includedQuantity,
    overageQuantity: line.overageQuantity,
    overageAmount: toMajorString(line.overageAmount),
    currency: line.overageAmount.currency,
    events: line.events,
    corrections: line.corrections,
  };
}

/** Folds raw usage events into window totals, as the ledger and the projections do (for audits and as-of answers). */
export function foldUsage(events: Iterable<UsageEvent>, aggregationOf: (feature: string) => Aggregation): WindowUsage[] {
  const windows = new WindowUsageIndex();
  for (const event of events) windows.fold(event, aggregationOf);
  return windows.all();
}
