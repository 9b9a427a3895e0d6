// The plain-JSON shapes that cross between the webhook delivery workflow and
// its activities. Types and constants only: the workflow sandbox imports this
// file, so it must hold no code that touches a clock or I/O.
import type { WebhookDeliveryRequest } from '../../application/webhooks/webhook-deliveries';
import type { WebhookRetryPolicy } from '../../application/webhooks/webhook-retry-policy';

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** The endpoint is gone (deleted) or turned off: the delivery stops without more attempts. */
export const ENDPOINT_GONE = 'WebhookEndpointGone';
export const ENDPOINT_DISABLED = 'WebhookEndpointDisabled';
/** The receiver answered, but not 2xx, or did not answer: the attempt is retried. */
export const NOT_ACCEPTED = 'WebhookNotAccepted';

export interface WebhookDeliveryInput extends WebhookDeliveryRequest {
  readonly policy: WebhookRetryPolicy;
}

export type WebhookDeliveryOutcome = 'delivered' | 'failed' | 'cancelled';

/** The deliveries' task queue, next to the billing one it is named after. */
export const webhookTaskQueue = (billingTaskQueue: string): string => `${billingTaskQueue}-webhooks`;

/** The workflow id of a delivery: one per endpoint and event, and one per redelivery. */
export function webhookDeliveryWorkflowId(request: Pick<WebhookDeliveryRequest, 'endpointId' | 'envelope' | 'series'>): string {
  const base = `webhook-${request.endpointId}-${request.envelope.id}`;
  return request.series === 0 ? base : `${base}-redelivery-${request.series}`;
}
