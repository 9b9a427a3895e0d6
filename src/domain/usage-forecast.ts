// Projects a billing period's usage and cost to its end. Method: counted
// features ('sum') continue at their recent run-rate, the quantity of the last
// seven local days (fewer at the start of a period) per day elapsed; readings
// ('max', 'latest') stay at their current level. Every remaining quota window
// of the period, with or without usage so far, is filled with those
// projections and priced by the same statement as real usage, so a daily free
// tier is applied per projected day, not to the month as a whole.
import type { DailyUsage } from './daily-usage';
import type { IntervalRecord } from './events';
import { effectiveQuota, findFeature, type ActiveOrganization } from './organization';
import { statementForPeriod, windowOfDay, type FeatureLine } from './period-statement';
import { localDayAt, localDayInterval, quotaWindowsInPeriod, toInterval, type Interval } from './periods';
import { EMPTY_WINDOW_TOTAL, mergeTotals, type WindowTotal } from './usage-aggregation';

const DAY_MS = 86_400_000;
const TREND_DAYS = 7;
// At the very start of a period one early event would extrapolate to an absurd month.
const MIN_OBSERVED_MS = 60 * 60_000;

export interface FeatureForecast {
  readonly feature: string;
  /** Units per day used for the projection ('sum' features); null for readings. */
  readonly dailyRate: number | null;
  readonly line: FeatureLine;
}

/** Units per day over the trailing week of local days (or since the period began, when that is later). */
function dailyRate(state: ActiveOrganization, period: Interval, now: Date, days: readonly DailyUsage[]): number {
  const zone = state.settings.timeZone;
  const today = localDayInterval(localDayAt(now, zone), zone);
  let trendStart = today.start;
  for (let back = 1; back < TREND_DAYS; back++) trendStart = localDayInterval(localDayAt(new Date(trendStart.getTime() - 1), zone), zone).start;
  const from = Math.max(trendStart.getTime(), period.start.getTime());
  const fromDay = localDayAt(new Date(from), zone);
  const quantity = days.filter((d) => d.day >= fromDay).reduce((sum, d) => sum + d.total.quantity, 0);
  const observedMs = Math.max(now.getTime() - from, MIN_OBSERVED_MS);
  return (quantity / observedMs) * DAY_MS;
}

/** The part of `window` still ahead at `now`, in days. */
const daysAhead = (window: Interval, now: Date): number => Math.max(0, window.end.getTime() - Math.max(now.getTime(), window.start.getTime())) / DAY_MS;

/**
 * The period's projected statement: `usage` is the organization's daily usage
 * for the period (and earlier periods' days of windows that reach into it).
 */
export function forecastPeriod(state: ActiveOrganization, periodRecord: IntervalRecord, now: Date, usage: readonly DailyUsage[]): FeatureForecast[] {
  const period = toInterval(periodRecord);
  const inPeriod = usage.filter((u) => u.billingPeriod.start === periodRecord.start);
  const features = new Set<string>([...Object.keys(state.quotas), ...inPeriod.map((u) => u.feature)]);
  // Earlier periods' days stay as they are; this period's days are replaced by one projected day per window.
  const projected: DailyUsage[] = usage.filter((u) => u.billingPeriod.start !== periodRecord.start);
  const rates = new Map<string, number | null>();

  for (const key of features) {
    const feature = findFeature(state, key);
    if (!feature) continue;
    const quota = effectiveQuota(state, feature);
    const own = inPeriod.filter((u) => u.feature === key).sort((a, b) => a.day.localeCompare(b.day));
    const rate = feature.aggregation === 'sum' ? dailyRate(state, period, now, own) : null;
    rates.set(key, rate);
    // The level a reading-feature keeps: its latest day's reading.
    const level = own.at(-1)?.total.quantity ?? 0;
    for (const window of quotaWindowsInPeriod(period, quota.resetPeriod, state.settings)) {
      // A QUARTERLY or YEARLY window is larger than the period: only its part in the period is projected.
      const part: Interval = { start: new Date(Math.max(window.start.getTime(), period.start.getTime())), end: new Date(Math.min(window.end.getTime(), period.end.getTime())) };
      const recorded = own
        .filter((u) => windowOfDay(state, quota.resetPeriod, u.day).start.getTime() === window.start.getTime())
        .reduce((total: WindowTotal, u) => mergeTotals(feature.aggregation, total, u.total), EMPTY_WINDOW_TOTAL);
      const ahead = daysAhead(part, now);
      const quantity = rate === null ? (ahead > 0 ? Math.max(recorded.quantity, level) : recorded.quantity) : recorded.quantity + rate * ahead;
      if (quantity === 0 && recorded.events + recorded.corrections === 0) continue;
      projected.push({
        feature: key,
        billingPeriod: periodRecord,
        day: localDayAt(part.start, state.settings.timeZone),
        // Projections are whole units: a fraction of a scan cannot be billed. A window without usage yet counts as used.
        total: { ...recorded, quantity: Math.round(quantity), events: Math.max(recorded.events, 1) },
      });
    }
  }
  return statementForPeriod(state, periodRecord, projected).map((line) => ({ feature: line.feature, dailyRate: rates.get(line.feature) ?? null, line }));
}
