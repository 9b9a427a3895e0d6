// The reactor that turns facts of the log into webhook deliveries: it follows
// the log (with its own checkpoint, 'webhook-reactor') and, for every event
// that goes out as a webhook, starts one delivery per enabled endpoint that
// receives it: the organization's own endpoints and the admin's, subscribed to
// its type, and registered before the event was appended. Starting is
// idempotent per endpoint and event, so a batch applied again after a crash
// sends nothing twice.
import { inParallel } from '../../application/in-parallel';
import type { PositionedEvent, Projection } from '../../application/ports/projection';
import { envelopeOf } from '../../application/webhooks/webhook-envelope';
import type { WebhookDeliveries, WebhookDeliveryRequest } from '../../application/webhooks/webhook-deliveries';
import type { WebhookEndpointIndex } from '../../application/webhooks/webhook-endpoint-index';

export const WEBHOOK_REACTOR_NAME = 'webhook-reactor';

export interface WebhookReactorOptions {
  /** Deliveries started at once. */
  readonly concurrency?: number;
}

export class WebhookReactor implements Projection {
  readonly name = WEBHOOK_REACTOR_NAME;
  private readonly concurrency: number;

  constructor(
    private readonly endpoints: WebhookEndpointIndex,
    private readonly deliveries: WebhookDeliveries,
    options: WebhookReactorOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 16;
  }

  async ensureIndexes(): Promise<void> {
    // Nothing is stored but the checkpoint.
  }

  async reset(): Promise<void> {
    // Nothing is kept; a rebuild only moves the checkpoint (deliveries already started stay started).
  }

  async apply(events: readonly PositionedEvent[]): Promise<void> {
    const envelopes = [];
    for (const { event, position, eventId } of events) {
      if (eventId === undefined) throw new Error(`the event at position ${position} came without its id; webhooks need it`);
      const envelope = envelopeOf(eventId, event);
      if (envelope) envelopes.push({ envelope, position, organizationId: event.data.organizationId });
    }
    if (envelopes.length === 0) return;
    // Every endpoint registered before these events was appended before this read starts.
    await this.endpoints.refresh();
    const requests: WebhookDeliveryRequest[] = envelopes.flatMap(({ envelope, position, organizationId }) =>
      this.endpoints.receiversOf(organizationId, envelope.type, BigInt(position)).map((endpoint) => ({ endpointId: endpoint.endpointId, envelope, series: 0 })),
    );
    await inParallel(requests, this.concurrency, (request) => this.deliveries.start(request));
  }
}
