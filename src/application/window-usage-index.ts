// The organization's usage per quota window and billing period, folded from
// its events as they are appended, so aggregation and period close are decided
// from the log exactly (never from read models that may lag). Kept beside the
// state for the same reason as the key index: it is updated in place.
import type { OrganizationEvent, UsageCorrected, UsageRecorded } from '../domain/events';
import { aggregationOf, type OrganizationState } from '../domain/organization';
import type { WindowUsage } from '../domain/period-statement';
import { applyReading, EMPTY_WINDOW_TOTAL, readingOf } from '../domain/usage-aggregation';

type UsageEvent = UsageRecorded | UsageCorrected;

const isUsage = (event: OrganizationEvent): event is UsageEvent => event.type === 'UsageRecorded' || event.type === 'UsageCorrected';

function fold(windows: Map<string, WindowUsage>, event: UsageEvent, state: OrganizationState): void {
  const { feature, billingPeriod, window } = event.data;
  const key = `${feature}|${billingPeriod.start}|${window.start}`;
  const current = windows.get(key) ?? { feature, billingPeriod, window, total: EMPTY_WINDOW_TOTAL };
  windows.set(key, { ...current, total: applyReading(aggregationOf(state, feature), current.total, readingOf(event)) });
}

export class WindowUsageIndex {
  private readonly windows = new Map<string, WindowUsage>();

  /** `state` is the organization's state when the event was recorded (for custom features' aggregation). */
  apply(event: OrganizationEvent, state: OrganizationState): void {
    if (isUsage(event)) fold(this.windows, event, state);
  }

  /** The windows as they are, plus usage decided but not yet appended. */
  snapshot(pending: readonly OrganizationEvent[], state: OrganizationState): WindowUsage[] {
    const usage = pending.filter(isUsage);
    if (usage.length === 0) return [...this.windows.values()];
    const copy = new Map(this.windows);
    for (const event of usage) fold(copy, event, state);
    return [...copy.values()];
  }
}
