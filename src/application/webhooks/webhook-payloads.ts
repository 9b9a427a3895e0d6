// What a webhook receiver gets: one JSON envelope per event, `{ id, type,
// createdAt, organizationId, data }`, whose `id` is the event's own id in the
// log, so it stays the same across retries and redeliveries and a receiver
// dedupes by it. Each type's `data` is the log event's data without the
// organization (which the envelope names once).
import type { AlertWatch, FeatureSummary, IntervalRecord } from '../../domain/events';

export const WEBHOOK_EVENT_TYPES = [
  'usage.threshold_crossed',
  'usage.quota_exceeded',
  'billing.period_closed',
  'stripe.report_failed',
  'stripe.invoice_items_created',
  'ping',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The types an endpoint subscribes to; `ping` is sent only when asked for, to the endpoint asked. */
export type SubscribableWebhookEventType = Exclude<WebhookEventType, 'ping'>;

export const SUBSCRIBABLE_WEBHOOK_EVENT_TYPES = WEBHOOK_EVENT_TYPES.filter((type): type is SubscribableWebhookEventType => type !== 'ping');

export interface ThresholdCrossedData {
  readonly ruleId: string;
  readonly watch: AlertWatch;
  /** A quantity (quantity and percentOfIncluded rules) or a decimal amount (overageAmount rules). */
  readonly threshold: string;
  /** The watched value right after the crossing. */
  readonly value: string;
  /** The quota window (feature rules) or billing period (overage rules) the crossing happened in. */
  readonly window: IntervalRecord;
  readonly cause: 'usage' | 'rule-created';
  readonly crossedAt: string;
}

export interface QuotaExceededData {
  readonly feature: string;
  readonly included: number;
  readonly window: IntervalRecord;
  readonly usedUpAt: string;
}

export interface PeriodClosedData {
  readonly billingPeriod: IntervalRecord;
  readonly closedAt: string;
  readonly features: readonly FeatureSummary[];
}

export interface StripeReportFailedData {
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  readonly reportSequence: number;
  readonly identifier: string;
  readonly error: string;
  readonly retryable: boolean;
  readonly failedAt: string;
}

export interface InvoiceItemCreatedData {
  readonly feature: string;
  readonly billingPeriod: IntervalRecord;
  readonly quantity: number;
  readonly amount: string;
  readonly currency: string;
  readonly stripeInvoiceItemId: string;
  readonly idempotencyKey: string;
  readonly createdAt: string;
}

export interface PingData {
  readonly endpointId: string;
  readonly requestedAt: string;
}

interface Envelope<Type extends WebhookEventType, Data> {
  readonly id: string;
  readonly type: Type;
  readonly createdAt: string;
  /** Null only for a ping to an endpoint of every organization. */
  readonly organizationId: string | null;
  readonly data: Data;
}

export type ThresholdCrossedEnvelope = Envelope<'usage.threshold_crossed', ThresholdCrossedData>;
export type QuotaExceededEnvelope = Envelope<'usage.quota_exceeded', QuotaExceededData>;
export type PeriodClosedEnvelope = Envelope<'billing.period_closed', PeriodClosedData>;
export type StripeReportFailedEnvelope = Envelope<'stripe.report_failed', StripeReportFailedData>;
export type InvoiceItemCreatedEnvelope = Envelope<'stripe.invoice_items_created', InvoiceItemCreatedData>;
export type PingEnvelope = Envelope<'ping', PingData>;

export type WebhookEnvelope =
  | ThresholdCrossedEnvelope
  | QuotaExceededEnvelope
  | PeriodClosedEnvelope
  | StripeReportFailedEnvelope
  | InvoiceItemCreatedEnvelope
  | PingEnvelope;

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
