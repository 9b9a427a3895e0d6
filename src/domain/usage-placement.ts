// Where a usage event counts. The one rule for late usage: an event whose
// timestamp falls in a period that is still open (including its grace period)
// counts there; otherwise it becomes a correction in the open period, keeping
// its original timestamp.
import type { FeatureDefinition } from './catalogue';
import type { IntervalRecord, UsagePlacement } from './events';
import { acceptsUsage, openPeriodAt } from './billing-calendar';
import { effectiveQuota, type ActiveOrganization } from './organization';
import { billingPeriodAt, containsInstant, quotaWindowAt, toIntervalRecord, type Interval } from './periods';

function placementIn(state: ActiveOrganization, feature: FeatureDefinition, period: Interval, instant: Date): UsagePlacement {
  const quota = effectiveQuota(state, feature);
  // An instant outside the period (the period after a closed current one) counts in its first window.
  const at = containsInstant(period, instant) ? instant : period.start;
  return {
    billingPeriod: toIntervalRecord(period),
    window: toIntervalRecord(quotaWindowAt(at, quota.resetPeriod, state.settings)),
  };
}

export type UsageDestination =
  | { readonly kind: 'on_time'; readonly placement: UsagePlacement }
  | { readonly kind: 'late'; readonly placement: UsagePlacement; readonly originalBillingPeriod: IntervalRecord };

export function placeUsage(
  state: ActiveOrganization,
  feature: FeatureDefinition,
  happenedAt: Date,
  now: Date,
): UsageDestination {
  const period = billingPeriodAt(happenedAt, state.settings);
  if (acceptsUsage(state, period, now)) {
    return { kind: 'on_time', placement: placementIn(state, feature, period, happenedAt) };
  }
  return {
    kind: 'late',
    placement: placementIn(state, feature, openPeriodAt(state, now), now),
    originalBillingPeriod: toIntervalRecord(period),
  };
}

/** Operator corrections always count in the open period. */
export function placeCorrection(state: ActiveOrganization, feature: FeatureDefinition, now: Date): UsagePlacement {
  return placementIn(state, feature, openPeriodAt(state, now), now);
}
