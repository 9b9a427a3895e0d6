// The events of the webhook-endpoint log: an endpoint registered (its secret
// only sealed), changed, deleted. Organization endpoints and the admin's
// endpoints for every organization (organizationId null) share one stream of
// their own, apart from the organizations' billing streams, so the API and the
// worker follow every endpoint by reading a single stream.
import type { NewEvent, RecordedEvent } from '../ports/event-store';
import type { SealedSecret } from './webhook-secrets';
import type { SubscribableWebhookEventType } from './webhook-payloads';

export const WEBHOOK_ENDPOINT_STREAM = 'webhook-endpoints';

const SCHEMA_VERSION = 1;

/** The event types an endpoint receives: a list, or '*' for every type, including types added later. */
export type EndpointEventTypes = readonly SubscribableWebhookEventType[] | '*';

export interface WebhookEndpointSettings {
  readonly url: string;
  readonly eventTypes: EndpointEventTypes;
  readonly description: string | null;
  readonly enabled: boolean;
}

export interface WebhookEndpointCreated {
  readonly type: 'WebhookEndpointCreated';
  readonly data: WebhookEndpointSettings & {
    readonly endpointId: string;
    /** Null: the admin's endpoint, for every organization. */
    readonly organizationId: string | null;
    readonly secret: SealedSecret;
    readonly createdAt: string;
  };
}

export interface WebhookEndpointChanged {
  readonly type: 'WebhookEndpointChanged';
  readonly data: {
    readonly endpointId: string;
    readonly organizationId: string | null;
    readonly changes: Partial<WebhookEndpointSettings>;
    readonly changedAt: string;
  };
}

export interface WebhookEndpointDeleted {
  readonly type: 'WebhookEndpointDeleted';
  readonly data: { readonly endpointId: string; readonly organizationId: string | null; readonly deletedAt: string };
}

export type WebhookEndpointEvent = WebhookEndpointCreated | WebhookEndpointChanged | WebhookEndpointDeleted;

const TYPES: readonly string[] = ['WebhookEndpointCreated', 'WebhookEndpointChanged', 'WebhookEndpointDeleted'];

export function encodeWebhookEndpointEvent(event: WebhookEndpointEvent): NewEvent {
  return { type: event.type, data: { ...event.data }, metadata: { schemaVersion: SCHEMA_VERSION } };
}

/** The event as this build knows it, or null for a type the stream never had. */
export function decodeWebhookEndpointEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): WebhookEndpointEvent | null {
  if (!TYPES.includes(recorded.type)) return null;
  return { type: recorded.type, data: recorded.data } as WebhookEndpointEvent;
}
