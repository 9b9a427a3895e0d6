// The webhooks Tally sends, in the OpenAPI document's top-level `webhooks`
// (OpenAPI 3.1): one entry per event type, with its envelope, the signature
// header, and what the receiver's answer means.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../application/webhooks/webhook-payloads';
import { WEBHOOK_ENVELOPES } from './schemas/webhook-payload-schemas';

const deliveryHeaders = z.object({
  'tally-signature': z.string().meta({
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint’s secret>; check it with verifyWebhookSignature from @tally/sdk',
    example: 't=1763200800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
  }),
  'tally-event-id': z.string().meta({ description: 'The envelope’s id: the same on every retry and redelivery' }),
  'tally-event-type': z.enum(WEBHOOK_EVENT_TYPES),
  'tally-delivery-attempt': z.string().meta({ description: '1 for the first attempt of a delivery or redelivery' }),
});

export function registerWebhooks(registry: OpenAPIRegistry): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `webhook:${type}`,
      summary: WEBHOOK_ENVELOPES[type].meta()?.description as string | undefined,
      tags: ['webhooks'],
      request: { headers: deliveryHeaders, body: { required: true, content: { 'application/json': { schema: WEBHOOK_ENVELOPES[type] } } } },
      responses: {
        200: { description: 'Any 2xx accepts the delivery' },
        default: { description: 'Anything else (or no answer within 10 seconds) is retried with exponential backoff for up to 3 days' },
      },
    });
  }
}
