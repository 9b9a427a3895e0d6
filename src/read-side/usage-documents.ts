// The read models' documents and how a batch of events folds into them. Two
// kinds, both addressed by _id only: one per organization (its state, for
// folding its usage) and one per organization and billing period (its usage
// per feature and local day, and its close). Every query reads a fixed number
// of these by _id, whatever the number of organizations, periods and events.
//
// Each document keeps the position of the last event it applied and applies
// exactly the events after it: a batch delivered again after a crash, in any
// bounds, counts nothing twice and loses nothing. No document holds wall-clock
// time, so a rebuild equals the live documents.
import type { PositionedEvent } from '../application/ports/projection';
import type { DailyUsage } from '../domain/daily-usage';
import { usageDayOf } from '../domain/daily-usage';
import { isUsageEvent, type FeatureSummary, type IntervalRecord } from '../domain/events';
import { aggregationOf, evolve, initialOrganizationState, type ActiveOrganization, type OrganizationState } from '../domain/organization';
import { applyReading, EMPTY_WINDOW_TOTAL, readingOf, type WindowTotal } from '../domain/usage-aggregation';

export interface OrganizationDocument {
  _id: string;
  state: OrganizationState;
  lastPosition: number;
}

export interface ClosedPeriodSummary {
  readonly closedAt: string;
  readonly features: readonly FeatureSummary[];
}

export interface BillingPeriodDocument {
  _id: string;
  organizationId: string;
  billingPeriod: IntervalRecord;
  /** Per feature, per local day ("2026-11-15"): the day's usage. */
  usage: Record<string, Record<string, WindowTotal>>;
  closed: ClosedPeriodSummary | null;
  lastPosition: number;
}

export const billingPeriodDocumentId = (organizationId: string, billingPeriodStart: string): string => `${organizationId}|${billingPeriodStart}`;

export function dailyUsageOf(document: BillingPeriodDocument): DailyUsage[] {
  return Object.entries(document.usage).flatMap(([feature, days]) =>
    Object.entries(days).map(([day, total]) => ({ feature, billingPeriod: document.billingPeriod, day, total })),
  );
}

/** The documents a batch touches, to be loaded before it is folded. */
export function documentsTouchedBy(events: readonly PositionedEvent[]): { organizations: Set<string>; periods: Set<string> } {
  const organizations = new Set<string>();
  const periods = new Set<string>();
  for (const { event } of events) {
    organizations.add(event.data.organizationId);
    if (isUsageEvent(event) || event.type === 'BillingPeriodClosed') periods.add(billingPeriodDocumentId(event.data.organizationId, event.data.billingPeriod.start));
  }
  return { organizations, periods };
}

export interface FoldedBatch {
  readonly organizations: Set<string>;
  readonly periods: Set<string>;
}

/**
 * Folds a batch into the documents given (loaded by _id; missing ones are
 * created), in place, and names the ones that changed. An event at or before a
 * document's `lastPosition` was applied to it already and is skipped.
 */
export function foldBatch(
  events: readonly PositionedEvent[],
  organizations: Map<string, OrganizationDocument>,
  periods: Map<string, BillingPeriodDocument>,
): FoldedBatch {
  const changed: FoldedBatch = { organizations: new Set(), periods: new Set() };
  for (const { event, position } of events) {
    const organizationId = event.data.organizationId;
    const organization = organizations.get(organizationId) ?? { _id: organizationId, state: initialOrganizationState(), lastPosition: 0 };
    organizations.set(organizationId, organization);
    if (position > organization.lastPosition) {
      const before = organization.state;
      organization.state = evolve(before, event);
      // An event that changes nothing is not recorded: folding it again changes nothing either,
      // and the document stays the same whatever the batches' bounds.
      if (organization.state !== before) {
        organization.lastPosition = position;
        changed.organizations.add(organizationId);
      }
    }
    if (!isUsageEvent(event) && event.type !== 'BillingPeriodClosed') continue;
    const id = billingPeriodDocumentId(organizationId, event.data.billingPeriod.start);
    const period = periods.get(id) ?? { _id: id, organizationId, billingPeriod: event.data.billingPeriod, usage: {}, closed: null, lastPosition: 0 };
    periods.set(id, period);
    if (position <= period.lastPosition) continue;
    period.lastPosition = position;
    changed.periods.add(id);
    if (event.type === 'BillingPeriodClosed') {
      period.closed = { closedAt: event.data.closedAt, features: event.data.features };
      continue;
    }
    // The state already includes this event (it was folded first, or by an earlier delivery); a feature's aggregation and the time zone never change once usage exists.
    const state = organization.state;
    const timeZone = state.status === 'active' ? (state as ActiveOrganization).settings.timeZone : 'UTC';
    const feature = event.data.feature;
    const day = usageDayOf(event, timeZone);
    const days = (period.usage[feature] ??= {});
    days[day] = applyReading(aggregationOf(state, feature), days[day] ?? EMPTY_WINDOW_TOTAL, readingOf(event));
  }
  return changed;
}
