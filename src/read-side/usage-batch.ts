// Folds a batch of events into one change per touched read-model document:
// a thousand events for one organization and feature become one update. The
// organization's state is evolved on the way, because aggregations of custom
// features and the local day of an event depend on it.
import { DateTime } from 'luxon';
import type { PositionedEvent } from '../application/ports/projection';
import type { Aggregation } from '../domain/catalogue';
import type { IntervalRecord, UsageEvent } from '../domain/events';
import { aggregationOf, evolve, type OrganizationState } from '../domain/organization';
import { applyReading, EMPTY_WINDOW_TOTAL, readingOf, type WindowTotal } from '../domain/usage-aggregation';
import { closedPeriodId, dailyUsageId, usageWindowId, type ClosedPeriodDocument } from './mongo/read-model-documents';

export interface TrackedOrganization {
  state: OrganizationState;
  /** Position of the last event folded into `state` (0 when none). */
  lastPosition: number;
}

interface PositionRange {
  firstPosition: number;
  lastPosition: number;
}

export interface WindowChange extends PositionRange {
  readonly id: string;
  readonly organizationId: string;
  readonly feature: string;
  readonly aggregation: Aggregation;
  readonly billingPeriod: IntervalRecord;
  readonly window: IntervalRecord;
  /** This batch's readings folded from empty: merged into the stored total with the same rules. */
  total: WindowTotal;
}

export interface DailyChange extends PositionRange {
  readonly id: string;
  readonly organizationId: string;
  readonly feature: string;
  readonly aggregation: Aggregation;
  readonly billingPeriodStart: string;
  readonly day: string;
  total: WindowTotal;
}

export interface OrganizationChange extends PositionRange {
  readonly organizationId: string;
  readonly tracked: TrackedOrganization;
}

export interface UsageBatch {
  readonly windows: Map<string, WindowChange>;
  readonly days: Map<string, DailyChange>;
  readonly organizations: Map<string, OrganizationChange>;
  readonly closedPeriods: ClosedPeriodDocument[];
}

// Luxon's zone arithmetic is the projector's most expensive step, and a batch's
// events mostly fall on the same few days: remember the last day per zone.
const lastDayByZone = new Map<string, { startMs: number; endMs: number; day: string }>();

function localDay(state: OrganizationState, instant: string): string {
  const zone = state.status === 'active' ? state.settings.timeZone : 'UTC';
  const at = Date.parse(instant);
  const last = lastDayByZone.get(zone);
  if (last && last.startMs <= at && at < last.endMs) return last.day;
  const start = DateTime.fromMillis(at, { zone }).startOf('day');
  const day = { startMs: start.toMillis(), endMs: start.plus({ days: 1 }).toMillis(), day: start.toISODate() ?? instant.slice(0, 10) };
  lastDayByZone.set(zone, day);
  return day.day;
}

function foldUsage(batch: UsageBatch, state: OrganizationState, event: UsageEvent, position: number): void {
  const { organizationId, feature, billingPeriod, window } = event.data;
  const aggregation = aggregationOf(state, feature);
  const reading = readingOf(event);

  const windowId = usageWindowId(organizationId, feature, billingPeriod.start, window.start);
  const windowChange = batch.windows.get(windowId) ?? {
    id: windowId,
    organizationId,
    feature,
    aggregation,
    billingPeriod,
    window,
    total: EMPTY_WINDOW_TOTAL,
    firstPosition: position,
    lastPosition: position,
  };
  windowChange.total = applyReading(aggregation, windowChange.total, reading);
  windowChange.lastPosition = position;
  batch.windows.set(windowId, windowChange);

  // Late usage shows in the trend on the day it arrived, where it is billed.
  const day = localDay(state, event.type === 'UsageCorrected' ? event.data.recordedAt : event.data.timestamp);
  const dayId = dailyUsageId(organizationId, feature, day);
  const dayChange = batch.days.get(dayId) ?? {
    id: dayId,
    organizationId,
    feature,
    aggregation,
    billingPeriodStart: billingPeriod.start,
    day,
    total: EMPTY_WINDOW_TOTAL,
    firstPosition: position,
    lastPosition: position,
  };
  // A day keeps the total of counted features and the peak of readings: both combine the same
  // whichever way events are split into batches, so live projection and replay agree.
  dayChange.total = applyReading(aggregation === 'sum' ? 'sum' : 'max', dayChange.total, reading);
  dayChange.lastPosition = position;
  batch.days.set(dayId, dayChange);
}

/**
 * `organization(id)` returns the tracked state of every organization in the
 * batch (preloaded by the caller); it is evolved in place with the batch's
 * events that it has not seen yet.
 */
export function foldBatch(events: readonly PositionedEvent[], organization: (organizationId: string) => TrackedOrganization): UsageBatch {
  const batch: UsageBatch = { windows: new Map(), days: new Map(), organizations: new Map(), closedPeriods: [] };
  for (const { event, position } of events) {
    const organizationId = event.data.organizationId;
    const tracked = organization(organizationId);
    if (position > tracked.lastPosition) {
      const before = tracked.state;
      tracked.state = evolve(tracked.state, event);
      tracked.lastPosition = position;
      if (tracked.state !== before) {
        const change = batch.organizations.get(organizationId);
        if (change) change.lastPosition = position;
        else batch.organizations.set(organizationId, { organizationId, tracked, firstPosition: position, lastPosition: position });
      }
    }
    switch (event.type) {
      case 'UsageRecorded':
      case 'UsageCorrected':
        foldUsage(batch, tracked.state, event, position);
        break;
      case 'BillingPeriodClosed':
        batch.closedPeriods.push({
          _id: closedPeriodId(organizationId, event.data.billingPeriod.start),
          organizationId,
          billingPeriod: event.data.billingPeriod,
          closedAt: event.data.closedAt,
          features: event.data.features,
          lastPosition: position,
        });
        break;
      default:
        break;
    }
  }
  return batch;
}
