// Where a usage event counts. The one rule for late usage: an event whose
// timestamp falls in a period that is still open (including its grace period)
// counts there; otherwise it becomes a correction in the open period, keeping
// its original timestamp.
import type { FeatureDefinition } from './catalogue';
import type { UsageItem } from './commands';
import type { IntervalRecord, UsageCorrected, UsageEvent, UsagePlacement, UsageRecorded } from './events';
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

/** The event recording one usage item: on time in its period, or late as a correction in the open one. */
export function usageEventFor(
  state: ActiveOrganization,
  organizationId: string,
  feature: FeatureDefinition,
  item: Pick<UsageItem, 'quantity' | 'idempotencyKey' | 'userId' | 'metadata'>,
  happenedAt: Date,
  now: Date,
): UsageEvent {
  const destination = placeUsage(state, feature, happenedAt, now);
  const common = {
    organizationId,
    feature: feature.key,
    quantity: item.quantity,
    idempotencyKey: item.idempotencyKey,
    timestamp: happenedAt.toISOString(),
    recordedAt: now.toISOString(),
    ...destination.placement,
    ...(item.userId !== undefined && { userId: item.userId }),
    ...(item.metadata !== undefined && { metadata: item.metadata }),
  };
  return destination.kind === 'on_time'
    ? ({ type: 'UsageRecorded', data: common } satisfies UsageRecorded)
    : ({ type: 'UsageCorrected', data: { ...common, reason: 'late', originalBillingPeriod: destination.originalBillingPeriod } } satisfies UsageCorrected);
}
