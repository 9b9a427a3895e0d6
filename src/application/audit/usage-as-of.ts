// Usage as it stood at an instant: only the events Tally had recorded by then,
// priced with the quotas in force then — the answer a customer dispute needs.
import { DomainError, validationError } from '../../domain/domain-error';
import { parseInstant } from '../../domain/usage-validation';
import { eventTime } from '../../domain/event-time';
import type { FeatureSummary, IntervalRecord } from '../../domain/events';
import { evolve, initialOrganizationState, type OrganizationState } from '../../domain/organization';
import { DailyUsageIndex } from '../../domain/daily-usage';
import { statementForPeriod, toFeatureSummary } from '../../domain/period-statement';
import { openPeriodAt } from '../../domain/billing-calendar';
import { toIntervalRecord } from '../../domain/periods';
import { organizationHistory } from '../event-log/organization-history';
import type { EventStore } from '../ports/event-store';

export interface UsageAsOf {
  readonly organizationId: string;
  readonly asOf: string;
  readonly billingPeriod: IntervalRecord;
  readonly eventsConsidered: number;
  /** The same per-feature summary a period close records. */
  readonly features: readonly FeatureSummary[];
}

export function parseAsOf(value: string): Date {
  try {
    return parseInstant(value, 'asOf');
  } catch {
    throw validationError('asOf', `as-of must be an ISO-8601 instant with a zone, e.g. 2026-11-15T12:00:00Z; got ${JSON.stringify(value)}`);
  }
}

export async function usageAsOf(store: EventStore, organizationId: string, asOf: Date): Promise<UsageAsOf> {
  let state: OrganizationState = initialOrganizationState();
  // Folded as the events stream by, as the ledger folds them: memory follows the days, not the events.
  const usage = new DailyUsageIndex();
  let considered = 0;
  for await (const page of organizationHistory(store, organizationId)) {
    for (const { event } of page) {
      // Filtered, not cut off: with several writers, appends and their clocks need not agree exactly.
      if (Date.parse(eventTime(event)) > asOf.getTime()) continue;
      considered += 1;
      state = evolve(state, event);
      usage.apply(event, state);
    }
  }
  if (state.status !== 'active') throw new DomainError('not_found', `organization ${JSON.stringify(organizationId)} did not exist at ${asOf.toISOString()}`, 'asOf');
  const active = state;
  const period = toIntervalRecord(openPeriodAt(active, asOf));
  const lines = statementForPeriod(active, period, usage.all());
  return {
    organizationId,
    asOf: asOf.toISOString(),
    billingPeriod: period,
    eventsConsidered: considered,
    features: lines.map(toFeatureSummary),
  };
}
