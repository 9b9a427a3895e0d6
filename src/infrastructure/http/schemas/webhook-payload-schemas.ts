// The webhook envelopes Tally POSTs, one schema per event type, each tied to
// its application type so the document cannot drift from what is sent. They
// are the OpenAPI document's top-level `webhooks` and the delivery log's `event`.
import { z } from 'zod';
import type { AlertWatch, FeatureSummary, IntervalRecord } from '../../../domain/events';
import type {
  InvoiceItemCreatedEnvelope,
  PeriodClosedEnvelope,
  PingEnvelope,
  QuotaExceededEnvelope,
  StripeReportFailedEnvelope,
  ThresholdCrossedEnvelope,
  WebhookEnvelope,
  WebhookEventType,
} from '../../../application/webhooks/webhook-payloads';
import { answerSchema } from './answer-schema';

const interval = answerSchema<IntervalRecord>()(z.object({ start: z.string(), end: z.string() }).meta({ id: 'Interval', description: 'From start (inclusive) to end (exclusive), ISO-8601 UTC' }));

const alertWatch = answerSchema<AlertWatch>()(
  z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('quantity'), feature: z.string(), quantity: z.number() }),
      z.object({ kind: z.literal('percentOfIncluded'), feature: z.string(), percentOfIncluded: z.number() }),
      z.object({ kind: z.literal('overageAmount'), overageAmount: z.string(), currency: z.string() }),
    ])
    .meta({ id: 'AlertWatch', description: 'What the alert rule watches: a feature’s usage in its quota window, or the overage amount in a billing period' }),
);

const featureSummary = answerSchema<FeatureSummary>()(
  z
    .object({
      feature: z.string(),
      totalQuantity: z.number(),
      includedQuantity: z.number(),
      overageQuantity: z.number(),
      overageAmount: z.string().meta({ description: 'Major units, exact decimal' }),
      currency: z.string(),
      events: z.number().int(),
      corrections: z.number().int(),
    })
    .meta({ id: 'FeatureSummary' }),
);

function envelope<Type extends WebhookEventType, Data extends z.ZodType>(id: string, type: Type, data: Data, description: string) {
  return z
    .object({
      id: z.string().meta({ description: 'The event’s id in Tally’s log: the same on every retry and redelivery; dedupe by it' }),
      type: z.literal(type),
      createdAt: z.string().meta({ description: 'When it happened (the event’s own instant), ISO-8601 UTC' }),
      organizationId: z.string().nullable().meta({ description: 'Null only for a ping to an endpoint of every organization' }),
      data,
    })
    .meta({ id, description });
}

export const thresholdCrossedEnvelope = answerSchema<ThresholdCrossedEnvelope>()(
  envelope(
    'UsageThresholdCrossedWebhook',
    'usage.threshold_crossed',
    z.object({
      ruleId: z.string(),
      watch: alertWatch,
      threshold: z.string().meta({ description: 'A quantity, or a decimal amount for overageAmount rules' }),
      value: z.string().meta({ description: 'The watched value right after the crossing' }),
      window: interval,
      cause: z.enum(['usage', 'rule-created']).meta({ description: 'usage: the usage that crossed it; rule-created: the rule was set when the value was past it already' }),
      crossedAt: z.string(),
    }),
    'An alert rule’s threshold was reached: once per rule and window, decided with the usage that reached it',
  ),
);

export const quotaExceededEnvelope = answerSchema<QuotaExceededEnvelope>()(
  envelope(
    'UsageQuotaExceededWebhook',
    'usage.quota_exceeded',
    z.object({ feature: z.string(), included: z.number(), window: interval, usedUpAt: z.string() }),
    'A hard quota’s window is used up: more usage in it will be refused. Once per feature and window',
  ),
);

export const periodClosedEnvelope = answerSchema<PeriodClosedEnvelope>()(
  envelope('BillingPeriodClosedWebhook', 'billing.period_closed', z.object({ billingPeriod: interval, closedAt: z.string(), features: z.array(featureSummary) }), 'A billing period closed, with its final totals per feature'),
);

export const stripeReportFailedEnvelope = answerSchema<StripeReportFailedEnvelope>()(
  envelope(
    'StripeReportFailedWebhook',
    'stripe.report_failed',
    z.object({
      feature: z.string(),
      billingPeriod: interval,
      reportSequence: z.number().int(),
      identifier: z.string(),
      error: z.string(),
      retryable: z.boolean().meta({ description: 'False when Stripe refused the report (it waits for retry-failed)' }),
      failedAt: z.string(),
    }),
    'A usage report to Stripe failed',
  ),
);

export const invoiceItemCreatedEnvelope = answerSchema<InvoiceItemCreatedEnvelope>()(
  envelope(
    'StripeInvoiceItemCreatedWebhook',
    'stripe.invoice_items_created',
    z.object({
      feature: z.string(),
      billingPeriod: interval,
      quantity: z.number(),
      amount: z.string().meta({ description: 'Major units, exact decimal' }),
      currency: z.string(),
      stripeInvoiceItemId: z.string(),
      idempotencyKey: z.string(),
      createdAt: z.string(),
    }),
    'An invoice item was created in Stripe for a closed period (one delivery per item)',
  ),
);

export const pingEnvelope = answerSchema<PingEnvelope>()(
  envelope('PingWebhook', 'ping', z.object({ endpointId: z.string(), requestedAt: z.string() }), 'Sent when asked for (POST …/ping), to test an endpoint'),
);

export const WEBHOOK_ENVELOPES = {
  'usage.threshold_crossed': thresholdCrossedEnvelope,
  'usage.quota_exceeded': quotaExceededEnvelope,
  'billing.period_closed': periodClosedEnvelope,
  'stripe.report_failed': stripeReportFailedEnvelope,
  'stripe.invoice_items_created': invoiceItemCreatedEnvelope,
  ping: pingEnvelope,
} as const satisfies Record<WebhookEventType, z.ZodType>;

export const webhookEnvelope = answerSchema<WebhookEnvelope>()(
  z
    .discriminatedUnion('type', [thresholdCrossedEnvelope, quotaExceededEnvelope, periodClosedEnvelope, stripeReportFailedEnvelope, invoiceItemCreatedEnvelope, pingEnvelope])
    .meta({ id: 'WebhookEnvelope' }),
);
