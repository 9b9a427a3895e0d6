// Projects a billing period's usage and cost to its end. Method: counted
// features ('sum') continue at their recent run-rate, the quantity of the last
// seven local days (fewer at the start of a period) per day elapsed; readings
// ('max', 'latest') stay at their current level. Remaining windows are filled
// with those projections and priced by the same statement as real usage, so a
// daily free tier is applied per projected day, not to the month as a whole.
import { DateTime } from 'luxon';
import type { IntervalRecord } from './events';
import { effectiveQuota, findFeature, type ActiveOrganization } from './organization';
import { statementForPeriod, type FeatureLine, type WindowUsage } from './period-statement';
import { quotaWindowsInPeriod, type Interval } from './periods';
import { EMPTY_WINDOW_TOTAL, mergeTotals } from './usage-aggregation';

const DAY_MS = 86_400_000;
const TREND_DAYS = 7;
// At the very start of a period one early event would extrapolate to an absurd month.
const MIN_OBSERVED_MS = 60 * 60_000;

export interface DailyQuantity {
  readonly feature: string;
  readonly day: string;
  readonly quantity: number;
}

export interface FeatureForecast {
  readonly feature: string;
  /** Units per day used for the projection ('sum' features); null for readings. */
  readonly dailyRate: number | null;
  readonly line: FeatureLine;
}

const toInterval = (r: IntervalRecord): Interval => ({ start: new Date(r.start), end: new Date(r.end) });
const toRecord = (i: Interval): IntervalRecord => ({ start: i.start.toISOString(), end: i.end.toISOString() });

function dailyRate(state: ActiveOrganization, period: Interval, now: Date, feature: string, days: readonly DailyQuantity[]): number {
  const zone = state.settings.timeZone;
  const trendStart = DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: TREND_DAYS - 1 });
  const from = Math.max(trendStart.toMillis(), period.start.getTime());
  const fromDay = DateTime.fromMillis(from, { zone }).toISODate() ?? '';
  const quantity = days.filter((d) => d.feature === feature && d.day >= fromDay).reduce((sum, d) => sum + d.quantity, 0);
  const observedMs = Math.max(now.getTime() - from, MIN_OBSERVED_MS);
  return (quantity / observedMs) * DAY_MS;
}

/**
 * The period's projected statement: `windows` and `days` are what the read
 * models hold for the period (windows may include earlier periods' parts).
 */
export function forecastPeriod(
  state: ActiveOrganization,
  periodRecord: IntervalRecord,
  now: Date,
  windows: readonly WindowUsage[],
  days: readonly DailyQuantity[],
): FeatureForecast[] {
  const period = toInterval(periodRecord);
  const features = new Set<string>([...Object.keys(state.quotas), ...windows.filter((w) => w.billingPeriod.start === periodRecord.start).map((w) => w.feature)]);
  const projected: WindowUsage[] = windows.filter((w) => w.billingPeriod.start !== periodRecord.start);
  const rates = new Map<string, number | null>();

  for (const key of features) {
    const feature = findFeature(state, key);
    if (!feature) continue;
    const quota = effectiveQuota(state, feature);
    const own = windows.filter((w) => w.feature === key && w.billingPeriod.start === periodRecord.start);
    const rate = feature.aggregation === 'sum' ? dailyRate(state, period, now, key, days) : null;
    rates.set(key, rate);
    // The level a reading-feature keeps: the most recent window's quantity.
    const level = [...own].sort((a, b) => a.window.start.localeCompare(b.window.start)).at(-1)?.total.quantity ?? 0;
    for (const window of quotaWindowsInPeriod(period, quota.resetPeriod, state.settings)) {
      const record = toRecord(window);
      const recorded = own.filter((w) => w.window.start === record.start).reduce((t, w) => mergeTotals(feature.aggregation, t, w.total), EMPTY_WINDOW_TOTAL);
      const remainingMs = Math.max(0, window.end.getTime() - Math.max(now.getTime(), window.start.getTime()));
      const inPeriodMs = Math.min(window.end.getTime(), period.end.getTime()) - Math.max(now.getTime(), period.start.getTime());
      const futureMs = Math.max(0, Math.min(remainingMs, inPeriodMs));
      const quantity =
        rate === null
          ? window.end.getTime() <= now.getTime() ? recorded.quantity : Math.max(recorded.quantity, level)
          : recorded.quantity + (rate * futureMs) / DAY_MS;
      if (quantity === 0 && recorded.events + recorded.corrections === 0) continue;
      projected.push({
        feature: key,
        billingPeriod: periodRecord,
        window: record,
        // Projections are whole units: a fraction of a scan cannot be billed.
        total: { ...recorded, quantity: Math.round(quantity) },
      });
    }
  }
  return statementForPeriod(state, periodRecord, projected).map((line) => ({ feature: line.feature, dailyRate: rates.get(line.feature) ?? null, line }));
}
