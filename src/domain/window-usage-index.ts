// An organization's usage per quota window and billing period, folded from its
// usage events, so aggregation and period close are decided from the log
// exactly (never from read models that may lag). Part of the organization's
// ledger; updated in place, like the key index, because it is folded per event.
import type { Aggregation } from './catalogue';
import { isUsageEvent, type OrganizationEvent, type UsageEvent } from './events';
import { aggregationOf, type OrganizationState } from './organization';
import type { WindowUsage } from './period-statement';
import { applyReading, EMPTY_WINDOW_TOTAL, readingOf } from './usage-aggregation';

/** Names one quota window's part in one billing period, within an organization. */
export const usageWindowKey = (feature: string, billingPeriodStart: string, windowStart: string): string =>
  `${feature}|${billingPeriodStart}|${windowStart}`;

export class WindowUsageIndex {
  private readonly windows = new Map<string, WindowUsage>();

  /** An index that sees this one's windows and keeps its own changes apart (decisions not yet appended). */
  constructor(private readonly parent: WindowUsageIndex | null = null) {}

  overlay(): WindowUsageIndex {
    return new WindowUsageIndex(this);
  }

  /** `state` is the organization's state when the event was recorded (for custom features' aggregation). */
  apply(event: OrganizationEvent, state: OrganizationState): void {
    if (isUsageEvent(event)) this.fold(event, (feature) => aggregationOf(state, feature));
  }

  fold(event: UsageEvent, aggregationOf: (feature: string) => Aggregation): void {
    const { feature, billingPeriod, window } = event.data;
    const key = usageWindowKey(feature, billingPeriod.start, window.start);
    const current = this.get(key) ?? { feature, billingPeriod, window, total: EMPTY_WINDOW_TOTAL };
    this.windows.set(key, { ...current, total: applyReading(aggregationOf(feature), current.total, readingOf(event)) });
  }

  all(): WindowUsage[] {
    return [...(this.parent ? this.entries() : this.windows).values()];
  }

  private get(key: string): WindowUsage | undefined {
    return this.windows.get(key) ?? this.parent?.get(key);
  }

  private entries(): Map<string, WindowUsage> {
    const merged = this.parent ? this.parent.entries() : new Map<string, WindowUsage>();
    for (const [key, usage] of this.windows) merged.set(key, usage);
    return merged;
  }
}
