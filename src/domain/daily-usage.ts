// An organization's usage per feature, billing period and local day: the one
// record of usage every quota window is cut from. Windows are not stored:
// whichever quota is in force when a period is priced (at close, in a query,
// in an audit) groups the period's days into its own windows, so changing a
// quota's reset period re-prices the whole period by one rule, and a quota
// check counts all usage of the window now in force.
import type { Aggregation } from './catalogue';
import { isUsageEvent, type IntervalRecord, type OrganizationEvent, type UsageEvent } from './events';
import { aggregationOf, type OrganizationState } from './organization';
import { localDayAt, localDayInterval } from './periods';
import { applyReading, EMPTY_WINDOW_TOTAL, mergeTotals, readingOf, type WindowTotal } from './usage-aggregation';

/** One local day's usage of a feature, as recorded in one billing period. */
export interface DailyUsage {
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  /** The organization's local date, "YYYY-MM-DD". */
  readonly day: string;
  readonly total: WindowTotal;
}

/** Names one day's usage of a feature in one billing period, within an organization. */
export const dailyUsageKey = (feature: string, billingPeriodStart: string, day: string): string => `${feature}|${billingPeriodStart}|${day}`;

/**
 * The instant a usage event counts at: when it happened, or for a correction
 * when it was recorded (it counts in the period open then); an instant outside
 * its billing period (the period after one closed early) counts at its start.
 */
export function countedAt(event: UsageEvent): Date {
  const at = Date.parse(event.type === 'UsageRecorded' ? event.data.timestamp : event.data.recordedAt);
  const start = Date.parse(event.data.billingPeriod.start);
  return new Date(at >= start && at < Date.parse(event.data.billingPeriod.end) ? at : start);
}

// Folding an event and deciding its alerts both ask for its day; events are immutable, so the answer is kept with the event.
const daysOfEvents = new WeakMap<UsageEvent, { readonly timeZone: string; readonly day: string }>();

/** Text in code-unit order: ISO dates and instants order as they read. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Days in order, so 'latest' readings merge as they were recorded (ISO dates order as text). */
export const chronological = (a: DailyUsage, b: DailyUsage): number => compareText(a.billingPeriod.start, b.billingPeriod.start) || compareText(a.day, b.day);

/** The local day a usage event counts on. */
export function usageDayOf(event: UsageEvent, timeZone: string): string {
  const known = daysOfEvents.get(event);
  if (known?.timeZone === timeZone) return known.day;
  const day = localDayAt(countedAt(event), timeZone);
  daysOfEvents.set(event, { timeZone, day });
  return day;
}

const timeZoneOf = (state: OrganizationState): string => (state.status === 'active' ? state.settings.timeZone : 'UTC');

export class DailyUsageIndex {
  private readonly days = new Map<string, DailyUsage>();
  // The same days per feature: a quota check or an alert reads one feature's window, not the organization's history.
  private readonly featureDays = new Map<string, Map<string, DailyUsage>>();
  // Per feature and period, the sum over its days of |day quantity|: the bound every partial sum of its days stays within.
  private readonly magnitudes = new Map<string, number>();

  /** An index that sees this one's days and keeps its own changes apart (decisions not yet appended). */
  constructor(private readonly parent: DailyUsageIndex | null = null) {}

  /** An index holding these days and magnitudes (from a snapshot). */
  static of(days: readonly DailyUsage[], magnitudes: readonly (readonly [string, number])[]): DailyUsageIndex {
    const index = new DailyUsageIndex();
    for (const usage of days) index.put(dailyUsageKey(usage.feature, usage.billingPeriod.start, usage.day), usage);
    for (const [key, magnitude] of magnitudes) index.magnitudes.set(key, magnitude);
    return index;
  }

  /** [feature|billingPeriodStart, magnitude] of every feature and period held. */
  magnitudeEntries(): [string, number][] {
    return [...(this.parent ? new Map([...this.parent.magnitudeEntries(), ...this.magnitudes]) : this.magnitudes)];
  }

  overlay(): DailyUsageIndex {
    return new DailyUsageIndex(this);
  }

  /** Takes over an overlay's changes once what it holds has been appended. */
  absorb(overlay: DailyUsageIndex): void {
    for (const [key, usage] of overlay.days) this.put(key, usage);
    for (const [key, magnitude] of overlay.magnitudes) this.magnitudes.set(key, magnitude);
  }

  /** `state` is the organization's state when the event was recorded (aggregation, time zone). */
  apply(event: OrganizationEvent, state: OrganizationState): void {
    if (isUsageEvent(event)) this.fold(event, aggregationOf(state, event.data.feature), timeZoneOf(state));
  }

  fold(event: UsageEvent, aggregation: Aggregation, timeZone: string): void {
    const { feature, billingPeriod } = event.data;
    const day = usageDayOf(event, timeZone);
    const key = dailyUsageKey(feature, billingPeriod.start, day);
    const current = this.get(key) ?? { feature, billingPeriod, day, total: EMPTY_WINDOW_TOTAL };
    const total = applyReading(aggregation, current.total, readingOf(event));
    this.put(key, { feature: current.feature, billingPeriod: current.billingPeriod, day: current.day, total });
    const magnitudeKey = `${feature}|${billingPeriod.start}`;
    const magnitude = this.magnitudes.get(magnitudeKey) ?? this.parent?.magnitude(feature, billingPeriod.start) ?? 0;
    this.magnitudes.set(magnitudeKey, magnitude - Math.abs(current.total.quantity) + Math.abs(total.quantity));
  }

  /** A feature's usage on the days that begin in [fromMs, toMs) (a quota window), any billing period, merged in order. */
  totalIn(feature: string, aggregation: Aggregation, fromMs: number, toMs: number, timeZone: string): WindowTotal {
    const inWindow: DailyUsage[] = [];
    for (const usage of this.daysOf(feature).values()) {
      const dayStart = localDayInterval(usage.day, timeZone).start.getTime();
      if (fromMs <= dayStart && dayStart < toMs) inWindow.push(usage);
    }
    if (inWindow.length > 1) inWindow.sort(chronological);
    return inWindow.reduce((total, usage) => mergeTotals(aggregation, total, usage.total), EMPTY_WINDOW_TOTAL);
  }

  /** A day's quantity of a feature in a billing period (0 when nothing was recorded). */
  quantityOn(feature: string, billingPeriodStart: string, day: string): number {
    return this.get(dailyUsageKey(feature, billingPeriodStart, day))?.total.quantity ?? 0;
  }

  /** The sum over a feature's days in a billing period of each day's |quantity|. */
  magnitude(feature: string, billingPeriodStart: string): number {
    const key = `${feature}|${billingPeriodStart}`;
    return this.magnitudes.get(key) ?? this.parent?.magnitude(feature, billingPeriodStart) ?? 0;
  }

  all(): DailyUsage[] {
    return [...(this.parent ? this.entries() : this.days).values()];
  }

  /** Forgets the days (and magnitudes) of the billing periods `forgotten` names by their start. */
  forget(forgotten: (billingPeriodStart: string) => boolean): void {
    for (const [key, usage] of this.days) {
      if (!forgotten(usage.billingPeriod.start)) continue;
      this.days.delete(key);
      this.featureDays.get(usage.feature)?.delete(key);
    }
    for (const key of this.magnitudes.keys()) if (forgotten(key.slice(key.lastIndexOf('|') + 1))) this.magnitudes.delete(key);
  }

  private put(key: string, usage: DailyUsage): void {
    this.days.set(key, usage);
    let days = this.featureDays.get(usage.feature);
    if (!days) this.featureDays.set(usage.feature, (days = new Map()));
    days.set(key, usage);
  }

  /** One feature's days, this index's over its parent's. */
  private daysOf(feature: string): Map<string, DailyUsage> {
    const own = this.featureDays.get(feature);
    if (!this.parent) return own ?? new Map();
    const merged = this.parent.daysOf(feature);
    if (!own) return merged;
    const copy = new Map(merged);
    for (const [key, usage] of own) copy.set(key, usage);
    return copy;
  }

  private get(key: string): DailyUsage | undefined {
    return this.days.get(key) ?? this.parent?.get(key);
  }

  private entries(): Map<string, DailyUsage> {
    const merged = this.parent ? this.parent.entries() : new Map<string, DailyUsage>();
    for (const [key, usage] of this.days) merged.set(key, usage);
    return merged;
  }
}

/** Folds usage events into daily usage, as the ledger and the projections do (for audits and as-of answers). */
export function foldDailyUsage(events: Iterable<UsageEvent>, aggregationOf: (feature: string) => Aggregation, timeZone: string): DailyUsage[] {
  const index = new DailyUsageIndex();
  for (const event of events) index.fold(event, aggregationOf(event.data.feature), timeZone);
  return index.all();
}
