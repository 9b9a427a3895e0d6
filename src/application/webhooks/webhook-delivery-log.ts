// The delivery log port: per endpoint, what was sent and how each attempt
// went (status code, latency, a short excerpt of the answer, the error), kept
// by the delivery activities and read by the API. Response bodies are never
// kept beyond the excerpt. Implemented on MongoDB (infrastructure/webhooks).
import type { WebhookEnvelope, WebhookEventType } from './webhook-payloads';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** The longest answer excerpt kept, in characters. */
export const RESPONSE_EXCERPT_CHARS = 256;

export interface WebhookDeliveryAttempt {
  /** 0 for the delivery itself, n for its n-th redelivery. */
  readonly series: number;
  /** 1 for the first attempt of a series. */
  readonly attempt: number;
  readonly startedAt: string;
  /** Null when no answer came (timeout, refused address, connection error). */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly responseExcerpt: string | null;
  readonly error: string | null;
}

export interface WebhookDelivery {
  /** The event's id: one delivery per event and endpoint. */
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly organizationId: string | null;
  readonly eventType: WebhookEventType;
  readonly status: WebhookDeliveryStatus;
  /** The redeliveries asked for so far (0 for none). */
  readonly redeliveries: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deliveredAt: string | null;
  readonly failedAt: string | null;
  readonly failureReason: string | null;
  /** Oldest first. */
  readonly attempts: readonly WebhookDeliveryAttempt[];
  /** The envelope as sent, byte for byte the body of every attempt. */
  readonly event: WebhookEnvelope;
}

export interface WebhookDeliveryLog {
  /** Records that a series of attempts starts: the delivery is created, or made pending again for a redelivery. */
  begin(endpointId: string, envelope: WebhookEnvelope, series: number, at: string): Promise<void>;
  recordAttempt(endpointId: string, deliveryId: string, attempt: WebhookDeliveryAttempt): Promise<void>;
  finish(endpointId: string, deliveryId: string, outcome: { status: 'delivered' | 'failed' | 'cancelled'; at: string; reason?: string }): Promise<void>;
  find(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** The endpoint's most recent deliveries, newest first. */
  recent(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
}
