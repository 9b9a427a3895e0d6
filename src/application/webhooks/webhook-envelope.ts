// Which facts of the log go out as webhooks, and the envelope each becomes.
// The envelope is built from the logged event alone (its id, its data, its own
// instant), so the reactor, a redelivery and a replay all build the same bytes.
import type { OrganizationEvent } from '../../domain/events';
import type { WebhookEnvelope } from './webhook-payloads';

/** The envelope of a log event that is delivered as a webhook, or null for every other event. */
export function envelopeOf(eventId: string, event: OrganizationEvent): WebhookEnvelope | null {
  switch (event.type) {
    case 'UsageThresholdCrossed': {
      const { organizationId, ...data } = event.data;
      return { id: eventId, type: 'usage.threshold_crossed', createdAt: data.crossedAt, organizationId, data };
    }
    case 'QuotaUsedUp': {
      const { organizationId, ...data } = event.data;
      return { id: eventId, type: 'usage.quota_exceeded', createdAt: data.usedUpAt, organizationId, data };
    }
    case 'BillingPeriodClosed': {
      const { organizationId, ...data } = event.data;
      return { id: eventId, type: 'billing.period_closed', createdAt: data.closedAt, organizationId, data };
    }
    case 'StripeReportFailed': {
      const { organizationId, ...data } = event.data;
      return { id: eventId, type: 'stripe.report_failed', createdAt: data.failedAt, organizationId, data };
    }
    case 'InvoiceItemCreated': {
      const { organizationId, ...data } = event.data;
      return { id: eventId, type: 'stripe.invoice_items_created', createdAt: data.createdAt, organizationId, data };
    }
    default:
      return null;
  }
}
