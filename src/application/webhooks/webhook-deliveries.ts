// The port that starts deliveries: one durable run per event and endpoint
// (and per redelivery), named after them, so asking twice sends once. The
// worker's reactor uses it for the log's events; the API for pings and
// redeliveries. Implemented on Temporal (workflows/webhooks).
import type { WebhookEnvelope } from './webhook-payloads';

export interface WebhookDeliveryRequest {
  readonly endpointId: string;
  readonly envelope: WebhookEnvelope;
  /** 0 for the delivery itself, n for its n-th redelivery. */
  readonly series: number;
}

export interface WebhookDeliveries {
  /** Starts the delivery; false when it was started before (it runs, or ran, once). */
  start(request: WebhookDeliveryRequest): Promise<boolean>;
}

/** The deliveries cannot be started now (Temporal unreachable): try again shortly (HTTP 503). */
export class WebhookDeliveriesUnavailableError extends Error {
  override readonly name = 'WebhookDeliveriesUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
