// What one billing period costs an organization, per feature: the quantity of
// each quota window, the free part, the overage and the amount, rounded once
// per window. The quota in force when the period is priced cuts the period's
// daily usage into its windows, whatever reset period was in force when the
// usage was recorded. Read models, period close, queries and audits all call
// this one function with daily usage (from MongoDB, the ledger or raw events).
import type { Aggregation, FeatureDefinition } from './catalogue';
import { chronological, type DailyUsage } from './daily-usage';
import type { FeatureSummary, IntervalRecord } from './events';
import { addMoney, toMajorString, zero, type Money } from './money';
import { effectiveQuota, findFeature, type ActiveOrganization } from './organization';
import { billingPeriodsInWindow, localDayInterval, quotaWindowAt, spansSeveralBillingPeriods, toIntervalRecord, type Interval, type ResetPeriod } from './periods';
import { chargeForWindow, incrementalCharge } from './pricing';
import { EMPTY_WINDOW_TOTAL, mergeTotals, type WindowTotal } from './usage-aggregation';

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

const nonNegative = (quantity: number) => Math.max(0, quantity);


const NO_DAYS: readonly DailyUsage[] = [];

// Pricing a period, and deciding alerts at every write, ask for the window of
// each day many times over; a pure cache per settings (immutable values),
// reset period and day.
const windowsOfDays = new WeakMap<ActiveOrganization['settings'], Map<ResetPeriod, Map<string, Interval>>>();
const MAX_DAYS_PER_RESET_PERIOD = 10_000;

/** The quota window a local day lies in (days never straddle windows: windows begin at local midnights). */
export function windowOfDay(state: ActiveOrganization, resetPeriod: ResetPeriod, day: string): Interval {
  const { settings } = state;
  let ofSettings = windowsOfDays.get(settings);
  if (!ofSettings) windowsOfDays.set(settings, (ofSettings = new Map()));
  let ofResetPeriod = ofSettings.get(resetPeriod);
  if (!ofResetPeriod) ofSettings.set(resetPeriod, (ofResetPeriod = new Map()));
  let window = ofResetPeriod.get(day);
  if (!window) {
    window = quotaWindowAt(localDayInterval(day, settings.timeZone).start, resetPeriod, settings);
    if (ofResetPeriod.size >= MAX_DAYS_PER_RESET_PERIOD) ofResetPeriod.clear();
    ofResetPeriod.set(day, window);
  }
  return window;
}

/**
 * A feature's usage in the quota window now in force at `instant`: every day of
 * `usage` (any billing period) that lies in that window, merged in order.
 */
export function windowUsageAt(state: ActiveOrganization, feature: FeatureDefinition, instant: Date, usage: readonly DailyUsage[]): { window: Interval; total: WindowTotal } {
  const quota = effectiveQuota(state, feature);
  const window = quotaWindowAt(instant, quota.resetPeriod, state.settings);
  const [from, to] = [window.start.getTime(), window.end.getTime()];
  const inWindow = (day: string) => {
    const dayStart = localDayInterval(day, state.settings.timeZone).start.getTime();
    return from <= dayStart && dayStart < to;
  };
  const total = usage
    .filter((u) => u.feature === feature.key && inWindow(u.day))
    .sort(chronological)
    .reduce((sum, u) => mergeTotals(feature.aggregation, sum, u.total), EMPTY_WINDOW_TOTAL);
  return { window, total };
}

function featureLine(state: ActiveOrganization, feature: FeatureDefinition, period: IntervalRecord, usage: readonly DailyUsage[]): FeatureLine {
  const quota = effectiveQuota(state, feature);
  const aggregation = feature.aggregation;
  // Per window of the quota in force: what earlier periods put in it (QUARTERLY, YEARLY) and what this period did.
  const windows = new Map<number, { earlier: WindowTotal; current: WindowTotal }>();
  for (const u of usage.length > 1 ? [...usage].sort(chronological) : usage) {
    if (u.billingPeriod.start > period.start) continue;
    const key = windowOfDay(state, quota.resetPeriod, u.day).start.getTime();
    const parts = windows.get(key) ?? { earlier: EMPTY_WINDOW_TOTAL, current: EMPTY_WINDOW_TOTAL };
    if (u.billingPeriod.start === period.start) parts.current = mergeTotals(aggregation, parts.current, u.total);
    else parts.earlier = mergeTotals(aggregation, parts.earlier, u.total);
    windows.set(key, parts);
  }
  const billed = [...windows.entries()].filter(([, parts]) => parts.current.events + parts.current.corrections > 0).sort(([a], [b]) => a - b);
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
    windows: billed.length,
    events: 0,
    corrections: 0,
  };
  for (const [, { earlier, current }] of billed) {
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
 * The billing periods whose daily usage a statement of `period` needs: the
 * period itself and, for QUARTERLY and YEARLY quotas, the earlier periods of
 * the window it lies in (at most eleven).
 */
export function periodsPricedWith(state: ActiveOrganization, period: IntervalRecord): IntervalRecord[] {
  const needed = new Map<string, IntervalRecord>([[period.start, period]]);
  for (const quota of Object.values(state.quotas)) {
    if (!spansSeveralBillingPeriods(quota.resetPeriod)) continue;
    const window = quotaWindowAt(new Date(period.start), quota.resetPeriod, state.settings);
    for (const earlier of billingPeriodsInWindow(window, state.settings)) {
      const record = toIntervalRecord(earlier);
      if (record.start < period.start) needed.set(record.start, record);
    }
  }
  return [...needed.values()].sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * One line per feature that has usage in the period or a configured quota.
 * `usage` may hold earlier periods' days (for QUARTERLY/YEARLY windows); later
 * periods are ignored. Windows and prices are those of the quotas in `state`.
 */
export function statementForPeriod(state: ActiveOrganization, period: IntervalRecord, usage: readonly DailyUsage[]): FeatureLine[] {
  const keys = new Set<string>(Object.keys(state.quotas));
  const byFeature = new Map<string, DailyUsage[]>();
  for (const u of usage) {
    if (u.billingPeriod.start === period.start) keys.add(u.feature);
    const days = byFeature.get(u.feature);
    if (days) days.push(u);
    else byFeature.set(u.feature, [u]);
  }
  const lines: FeatureLine[] = [];
  for (const key of [...keys].sort()) {
    const feature = findFeature(state, key);
    if (feature) lines.push(rememberedFeatureLine(state, feature, period, byFeature.get(key) ?? NO_DAYS));
  }
  return lines;
}

// Deciding an alert on overage prices the whole period at every write, yet a
// write changes one feature's days: the lines of the others are taken from
// here. Quotas, settings and definitions are immutable values, so the same
// objects with days of the same values price to the same line.
interface RememberedLine {
  readonly feature: FeatureDefinition;
  readonly quota: ActiveOrganization['quotas'][string] | undefined;
  readonly settings: ActiveOrganization['settings'];
  readonly periodEnd: string;
  readonly usage: readonly DailyUsage[];
  readonly line: FeatureLine;
}
// Organization → period start → feature: looked up without building a key at every write.
const rememberedLines = new Map<string, Map<string, Map<string, RememberedLine>>>();
let rememberedCount = 0;

const sameDailyUsage = (a: DailyUsage, b: DailyUsage): boolean =>
  a === b ||
  (a.day === b.day &&
    a.feature === b.feature &&
    a.billingPeriod.start === b.billingPeriod.start &&
    a.total.quantity === b.total.quantity &&
    a.total.events === b.total.events &&
    a.total.corrections === b.total.corrections &&
    a.total.latestTimestampMs === b.total.latestTimestampMs);
const MAX_REMEMBERED_LINES = 20_000;

function rememberedFeatureLine(state: ActiveOrganization, feature: FeatureDefinition, period: IntervalRecord, usage: readonly DailyUsage[]): FeatureLine {
  let ofOrganization = rememberedLines.get(state.organizationId);
  let ofPeriod = ofOrganization?.get(period.start);
  const known = ofPeriod?.get(feature.key);
  const quota = state.quotas[feature.key];
  if (
    known &&
    known.feature === feature &&
    known.quota === quota &&
    known.settings === state.settings &&
    known.periodEnd === period.end &&
    known.usage.length === usage.length &&
    known.usage.every((day, i) => sameDailyUsage(day, usage[i]))
  ) {
    return known.line;
  }
  const line = featureLine(state, feature, period, usage);
  if (rememberedCount >= MAX_REMEMBERED_LINES) {
    rememberedLines.clear();
    rememberedCount = 0;
    ofOrganization = ofPeriod = undefined;
  }
  if (!ofOrganization) rememberedLines.set(state.organizationId, (ofOrganization = new Map()));
  if (!ofPeriod) ofOrganization.set(period.start, (ofPeriod = new Map()));
  if (!ofPeriod.has(feature.key)) rememberedCount += 1;
  ofPeriod.set(feature.key, { feature, quota, settings: state.settings, periodEnd: period.end, usage, line });
  return line;
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
