// Where a billing-period workflow stands, from the organization's own state:
// which period it should be working on, when that period closes, and how its
// usage reaches Stripe. Calendar arithmetic (time zones, DST) lives here, on
// the activity side, never in the workflow sandbox.
import type { ActiveOrganization, OrganizationState } from '../../domain/organization';
import { isPeriodClosed } from '../../domain/organization';
import { billingPeriodAt, nextBillingPeriod } from '../../domain/periods';
import { toIntervalRecord } from '../../domain/usage-placement';
import { DomainError } from '../../domain/domain-error';
import type { BillingPeriodPlan, IntervalRecord, StripeBilling } from '../billing-period-types';

const MINUTE_MS = 60_000;

export function requireActive(state: OrganizationState, organizationId: string): ActiveOrganization {
  if (state.status !== 'active') {
    throw new DomainError('not_found', `organization ${JSON.stringify(organizationId)} does not exist`, 'organizationId');
  }
  return state;
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
  let period = billingPeriodAt(new Date(asked.start), state.settings);
  while (isPeriodClosed(state, period.start.toISOString())) period = nextBillingPeriod(period, state.settings);
  return {
    billingPeriod: toIntervalRecord(period),
    closesAt: new Date(period.end.getTime() + state.settings.gracePeriodMinutes * MINUTE_MS).toISOString(),
    stripeBilling: stripeBillingOf(state),
  };
}

export function periodAfter(state: ActiveOrganization, period: IntervalRecord): IntervalRecord {
  return toIntervalRecord(nextBillingPeriod({ start: new Date(period.start), end: new Date(period.end) }, state.settings));
}
