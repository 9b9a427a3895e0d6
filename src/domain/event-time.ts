// When each event was decided, from its own data, so audits can ask "what did
// Tally know at instant T?" with the same answer on every event store.
import type { OrganizationEvent } from './events';

export function eventTime(event: OrganizationEvent): string {
  switch (event.type) {
    case 'OrganizationConfigured':
      return event.data.configuredAt;
    case 'CustomFeatureDefined':
      return event.data.definedAt;
    case 'QuotaConfigured':
      return event.data.configuredAt;
    case 'QuotaRemoved':
      return event.data.removedAt;
    case 'UsageRecorded':
    case 'UsageCorrected':
      return event.data.recordedAt;
    case 'UsageDuplicateIgnored':
      return event.data.receivedAt;
    case 'UsageAggregated':
      return event.data.asOf;
    case 'UsageReportedToStripe':
      return event.data.reportedAt;
    case 'StripeReportFailed':
      return event.data.failedAt;
    case 'InvoiceItemCreated':
      return event.data.createdAt;
    case 'BillingPeriodClosed':
      return event.data.closedAt;
    case 'UsageReserved':
      return event.data.reservedAt;
    case 'ReservationCommitted':
      return event.data.committedAt;
    case 'ReservationReleased':
      return event.data.releasedAt;
    case 'ReservationExpired':
      return event.data.noticedAt;
    case 'AlertRuleSet':
      return event.data.setAt;
    case 'AlertRuleRemoved':
      return event.data.removedAt;
    case 'UsageThresholdCrossed':
      return event.data.crossedAt;
    case 'QuotaUsedUp':
      return event.data.usedUpAt;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
