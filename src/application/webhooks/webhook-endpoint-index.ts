// The in-memory view of the webhook-endpoint stream that the API and the
// worker keep. `refresh()` reads everything appended before it was called, so
// a change made through any instance is seen by the next command or delivery
// batch; `lookup()` reads again only when the view is older than its bound.
import { CaughtUpStream } from '../event-log/caught-up-stream';
import type { EventStore, GlobalPosition, RecordedEvent, StreamRevision } from '../ports/event-store';
import { decodeWebhookEndpointEvent, WEBHOOK_ENDPOINT_STREAM, type EndpointEventTypes, type WebhookEndpointEvent } from './webhook-endpoint-events';
import type { SealedSecret } from './webhook-secrets';
import type { WebhookEventType } from './webhook-payloads';

export interface IndexedWebhookEndpoint {
  readonly endpointId: string;
  readonly organizationId: string | null;
  readonly url: string;
  readonly eventTypes: EndpointEventTypes;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly secret: SealedSecret;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Where the endpoint was registered in the log: it receives the events appended after it. */
  readonly createdAtPosition: GlobalPosition;
}

export const receivesType = (endpoint: Pick<IndexedWebhookEndpoint, 'eventTypes'>, type: WebhookEventType): boolean =>
  endpoint.eventTypes === '*' || (endpoint.eventTypes as readonly string[]).includes(type);

export class WebhookEndpointIndex {
  private readonly endpoints = new Map<string, IndexedWebhookEndpoint>();
  private readonly stream: CaughtUpStream;

  constructor(eventStore: EventStore, maxStalenessMs = 1_000, now?: () => number) {
    const fold = (recorded: RecordedEvent) => {
      const event = decodeWebhookEndpointEvent(recorded);
      if (event) this.apply(event, recorded.position);
    };
    this.stream = new CaughtUpStream(eventStore, WEBHOOK_ENDPOINT_STREAM, fold, maxStalenessMs, now);
  }

  /** The stream revision read up to (for appends that must not race). */
  get streamRevision(): StreamRevision | 'no_stream' {
    return this.stream.streamRevision;
  }

  /**
   * The endpoint as last read, catching up first when the view is older than
   * its bound; a miss reads the stream again, since the endpoint may be new.
   * Deleted endpoints are gone.
   */
  async lookup(endpointId: string): Promise<IndexedWebhookEndpoint | undefined> {
    await this.stream.freshen();
    if (!this.endpoints.has(endpointId)) await this.refresh();
    return this.endpoints.get(endpointId);
  }

  /** Reads everything appended to the stream before this call. */
  refresh(): Promise<void> {
    return this.stream.refresh();
  }

  /** The endpoints of one organization, or the admin's (null), oldest first. */
  ofScope(organizationId: string | null): IndexedWebhookEndpoint[] {
    return [...this.endpoints.values()].filter((endpoint) => endpoint.organizationId === organizationId);
  }

  /**
   * The enabled endpoints an organization's event at `position` goes to: the
   * organization's and the admin's, subscribed to its type, registered before it.
   */
  receiversOf(organizationId: string, type: WebhookEventType, position: GlobalPosition): IndexedWebhookEndpoint[] {
    return [...this.endpoints.values()].filter(
      (endpoint) =>
        endpoint.enabled &&
        (endpoint.organizationId === organizationId || endpoint.organizationId === null) &&
        endpoint.createdAtPosition < position &&
        receivesType(endpoint, type),
    );
  }

  private apply(event: WebhookEndpointEvent, position: GlobalPosition): void {
    switch (event.type) {
      case 'WebhookEndpointCreated': {
        const { endpointId, organizationId, url, eventTypes, description, enabled, secret, createdAt } = event.data;
        this.endpoints.set(endpointId, { endpointId, organizationId, url, eventTypes, description, enabled, secret, createdAt, updatedAt: createdAt, createdAtPosition: position });
        return;
      }
      case 'WebhookEndpointChanged': {
        const existing = this.endpoints.get(event.data.endpointId);
        if (existing) this.endpoints.set(existing.endpointId, { ...existing, ...event.data.changes, updatedAt: event.data.changedAt });
        return;
      }
      case 'WebhookEndpointDeleted':
        this.endpoints.delete(event.data.endpointId);
        return;
    }
  }
}
