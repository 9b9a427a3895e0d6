// An organization's billing calendar: when a period stops taking usage and
// closes (its end plus the grace period), which period is open, which one a
// billing-period workflow works on and which comes next, and how the period
// reaches Stripe. Every rule about "period end + grace" lives here.
import type { IntervalRecord } from './events';
import { isPeriodClosed, type ActiveOrganization } from './organization';
import type { OrganizationSettings, StripeBillingMode } from './organization-settings';
import { billingPeriodAt, MINUTE_MS, nextBillingPeriod, toInterval, toIntervalRecord, type Interval } from './periods';

/** How a period reaches Stripe: 'none' when the organization has no stripeCustomerId. */
export type StripeBilling = StripeBillingMode | 'none';

/** What a billing-period workflow needs to know about its period (time zones stay out of its sandbox). */
export interface BillingPeriodPlan {
  /** The first period, at or after the one asked for, that has not closed. */
  readonly billingPeriod: IntervalRecord;
  /** Period end plus the organization's grace period (ISO). */
  readonly closesAt: string;
  readonly stripeBilling: StripeBilling;
}

/** When a period closes: its end plus the grace period in which late usage still counts there. */
export function periodClosesAt(period: Interval | IntervalRecord, settings: Pick<OrganizationSettings, 'gracePeriodMinutes'>): Date {
  const end = typeof period.end === 'string' ? Date.parse(period.end) : period.end.getTime();
  return new Date(end + settings.gracePeriodMinutes * MINUTE_MS);
}

/** Whether usage that happened in `period` may still count there at `now`. */
export function acceptsUsage(state: ActiveOrganization, period: Interval, now: Date): boolean {
  return now.getTime() < periodClosesAt(period, state.settings).getTime() && !isPeriodClosed(state, period.start.toISOString());
}

/** The first period at or after the one holding `instant` that has not closed. */
function firstOpenPeriodFrom(state: ActiveOrganization, instant: Date): Interval {
  let period = billingPeriodAt(instant, state.settings);
  while (isPeriodClosed(state, period.start.toISOString())) period = nextBillingPeriod(period, state.settings);
  return period;
}

/** The billing period that corrections go to at `now`: the current one, or the next not yet closed. */
export function openPeriodAt(state: ActiveOrganization, now: Date): Interval {
  return firstOpenPeriodFrom(state, now);
}

export function stripeBillingOf(state: ActiveOrganization): StripeBilling {
  return state.settings.stripeCustomerId === null ? 'none' : state.settings.stripeBillingMode;
}

/**
 * The first period at or after `asked` that has not closed. `asked` is read
 * through the organization's current calendar, so a workflow started under a
 * calendar that has since changed (allowed only before any usage) moves to the
 * period the organization now has.
 */
export function planBillingPeriod(state: ActiveOrganization, asked: IntervalRecord): BillingPeriodPlan {
  const period = firstOpenPeriodFrom(state, new Date(asked.start));
  return {
    billingPeriod: toIntervalRecord(period),
    closesAt: periodClosesAt(period, state.settings).toISOString(),
    stripeBilling: stripeBillingOf(state),
  };
}

export function periodAfter(state: ActiveOrganization, period: IntervalRecord): IntervalRecord {
  return toIntervalRecord(nextBillingPeriod(toInterval(period), state.settings));
}
