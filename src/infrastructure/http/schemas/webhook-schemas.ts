// Schemas of the webhook-endpoint routes: registering, changing and listing
// endpoints, pings, the delivery log and redeliveries. Each answer schema is
// tied to the application type it describes.
import { z } from 'zod';
import { ENDPOINT_ID_FORMAT, type ChangedWebhookEndpoint, type CreatedWebhookEndpoint, type DeletedWebhookEndpoint, type StartedDelivery, type WebhookEndpointView } from '../../../application/webhooks/webhook-endpoints';
import { MAX_ENDPOINT_URL_LENGTH } from '../../../application/webhooks/endpoint-address-policy';
import type { WebhookDelivery, WebhookDeliveryAttempt } from '../../../application/webhooks/webhook-delivery-log';
import { SUBSCRIBABLE_WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../../../application/webhooks/webhook-payloads';
import { RECENT_DELIVERIES_KEPT } from '../../webhooks/mongo-webhook-delivery-log';
import { answerSchema } from './answer-schema';
import { organizationId, text } from './common-schemas';
import { webhookEnvelope } from './webhook-payload-schemas';

const EXAMPLE_URL = 'https://billing.example.com/hooks/tally';

export const endpointId = z.string().regex(ENDPOINT_ID_FORMAT, 'must be a webhook endpoint id ("we_" and 16 hex digits)').meta({ example: 'we_3f2a9c1d7e5b4a60' });
const deliveryId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a delivery id (the id of the event delivered, a UUID)')
  .meta({ example: '0192f0c4-8a5e-7cc1-9a3b-2f6d1e4c5b7a' });

const eventTypes = z
  .union([
    z.literal('*').meta({ description: 'Every type, including types added later' }),
    z
      .array(z.enum(SUBSCRIBABLE_WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(SUBSCRIBABLE_WEBHOOK_EVENT_TYPES.length)
      .refine((types) => new Set(types).size === types.length, 'must not name a type twice')
      .meta({ uniqueItems: true }),
  ])
  .meta({ description: 'The event types the endpoint receives ("ping" is sent only when asked for)', example: ['usage.threshold_crossed', 'usage.quota_exceeded'] });

const url = z
  .string()
  .min(1)
  .max(MAX_ENDPOINT_URL_LENGTH)
  .meta({ format: 'uri', description: 'Where deliveries are POSTed: http or https, to a public address unless the server allows private ones', example: EXAMPLE_URL });
const description = text(1, 200).nullable().meta({ description: 'What the endpoint is for', example: 'Usage alerts to the billing team' });
const enabled = z.boolean().meta({ description: 'A disabled endpoint receives nothing but pings', example: true });

export const createWebhookEndpointBody = z
  .strictObject({ url, eventTypes: eventTypes.optional(), description: description.optional(), enabled: enabled.optional() })
  .meta({
    id: 'CreateWebhookEndpointRequest',
    example: { url: EXAMPLE_URL, eventTypes: ['usage.threshold_crossed', 'usage.quota_exceeded'], description: 'Usage alerts to the billing team' },
  });

export const updateWebhookEndpointBody = z
  .strictObject({ url: url.optional(), eventTypes: eventTypes.optional(), description: description.optional(), enabled: enabled.optional() })
  .refine((changes) => Object.keys(changes).length > 0, 'must change at least one of url, eventTypes, description, enabled')
  .meta({ id: 'UpdateWebhookEndpointRequest', example: { enabled: false } });

export const organizationEndpointParams = z.strictObject({ orgId: organizationId, endpointId });
export const adminEndpointParams = z.strictObject({ endpointId });
export const organizationDeliveryParams = z.strictObject({ orgId: organizationId, endpointId, deliveryId });
export const adminDeliveryParams = z.strictObject({ endpointId, deliveryId });

export const deliveriesQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(RECENT_DELIVERIES_KEPT)
    .optional()
    .meta({ description: `How many deliveries, newest first (default 20, at most the ${RECENT_DELIVERIES_KEPT} kept)`, example: 20 }),
});

const endpointFields = {
  endpointId: z.string(),
  organizationId: z.string().nullable().meta({ description: 'Null for an endpoint of every organization (the admin’s)' }),
  url: z.string(),
  eventTypes: z.union([z.literal('*'), z.array(z.enum(SUBSCRIBABLE_WEBHOOK_EVENT_TYPES))]),
  description: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const webhookEndpoint = answerSchema<WebhookEndpointView>()(z.object(endpointFields).meta({ id: 'WebhookEndpoint' }));

export const webhookEndpointList = answerSchema<{ endpoints: WebhookEndpointView[] }>()(
  z.object({ endpoints: z.array(webhookEndpoint) }).meta({ id: 'WebhookEndpointList' }),
);

export const createdWebhookEndpoint = answerSchema<CreatedWebhookEndpoint>()(
  z
    .object({ ...endpointFields, secret: z.string().meta({ description: 'The signing secret: shown this once, stored only encrypted', example: 'whsec_…' }) })
    .meta({ id: 'CreatedWebhookEndpoint' }),
);

export const changedWebhookEndpoint = answerSchema<ChangedWebhookEndpoint>()(
  z.object({ ...endpointFields, changed: z.boolean().meta({ description: 'False when the endpoint already had these settings' }) }).meta({ id: 'ChangedWebhookEndpoint' }),
);

export const deletedWebhookEndpoint = answerSchema<DeletedWebhookEndpoint>()(
  z.object({ endpointId: z.string(), organizationId: z.string().nullable(), deletedAt: z.string() }).meta({ id: 'DeletedWebhookEndpoint' }),
);

export const startedDelivery = answerSchema<StartedDelivery>()(
  z
    .object({
      endpointId: z.string(),
      deliveryId: z.string().meta({ description: 'The id of the event sent: the envelope’s id, and the delivery’s in the log' }),
      series: z.number().int().meta({ description: '0 for a ping, n for the n-th redelivery' }),
    })
    .meta({ id: 'StartedDelivery' }),
);

const deliveryAttempt = answerSchema<WebhookDeliveryAttempt>()(
  z
    .object({
      series: z.number().int().meta({ description: '0 for the delivery, n for its n-th redelivery' }),
      attempt: z.number().int().meta({ description: '1 for the first attempt of a series' }),
      startedAt: z.string(),
      statusCode: z.number().int().nullable().meta({ description: 'Null when no answer came' }),
      latencyMs: z.number(),
      responseExcerpt: z.string().nullable().meta({ description: 'The start of the answer’s body (at most 256 characters); nothing more is kept' }),
      error: z.string().nullable(),
    })
    .meta({ id: 'WebhookDeliveryAttempt' }),
);

export const webhookDelivery = answerSchema<WebhookDelivery>()(
  z
    .object({
      deliveryId: z.string(),
      endpointId: z.string(),
      organizationId: z.string().nullable(),
      eventType: z.enum(WEBHOOK_EVENT_TYPES),
      status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).meta({ description: 'cancelled: the endpoint was deleted or disabled before it was delivered' }),
      redeliveries: z.number().int(),
      createdAt: z.string(),
      updatedAt: z.string(),
      deliveredAt: z.string().nullable(),
      failedAt: z.string().nullable(),
      failureReason: z.string().nullable(),
      attempts: z.array(deliveryAttempt),
      event: webhookEnvelope,
    })
    .meta({ id: 'WebhookDelivery' }),
);

export const webhookDeliveryList = answerSchema<{ deliveries: WebhookDelivery[] }>()(
  z.object({ deliveries: z.array(webhookDelivery) }).meta({ id: 'WebhookDeliveryList' }),
);
