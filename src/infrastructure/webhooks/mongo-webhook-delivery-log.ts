// The delivery log in MongoDB. Every read and write names one document by its
// `_id` (FerretDB v1 on SQLite serves only that filter from its index):
// - webhook_deliveries: one document per endpoint and event, `${endpointId}/${eventId}`,
//   with each attempt under its own key, so attempts recorded at once never overwrite each other;
// - webhook_delivery_lists: one document per endpoint, a ring of its latest
//   delivery ids; a counter taken with $inc gives each new delivery its slot.
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { WebhookDelivery, WebhookDeliveryAttempt, WebhookDeliveryLog, WebhookDeliveryStatus } from '../../application/webhooks/webhook-delivery-log';
import type { WebhookEnvelope, WebhookEventType } from '../../application/webhooks/webhook-payloads';

export const DELIVERY_COLLECTIONS = { deliveries: 'webhook_deliveries', lists: 'webhook_delivery_lists' } as const;

/** How many recent deliveries an endpoint's list keeps. */
export const RECENT_DELIVERIES_KEPT = 100;

interface DeliveryDocument {
  _id: string;
  deliveryId: string;
  endpointId: string;
  organizationId: string | null;
  eventType: WebhookEventType;
  /** The envelope as sent, kept as its JSON text: the exact bytes every attempt sends. */
  body: string;
  status: WebhookDeliveryStatus;
  redeliveries: number;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
  attempts: Record<string, WebhookDeliveryAttempt>;
}

interface DeliveryListDocument {
  _id: string;
  count: number;
  slots?: Record<string, { deliveryId: string; sequence: number }>;
}

const documentId = (endpointId: string, deliveryId: string) => `${endpointId}/${deliveryId}`;
const attemptKey = (attempt: WebhookDeliveryAttempt) => `s${attempt.series}a${attempt.attempt}`;

function toDelivery(document: DeliveryDocument): WebhookDelivery {
  const attempts = Object.values(document.attempts ?? {}).sort((a, b) => a.series - b.series || a.attempt - b.attempt);
  return {
    deliveryId: document.deliveryId,
    endpointId: document.endpointId,
    organizationId: document.organizationId,
    eventType: document.eventType,
    status: document.status,
    redeliveries: document.redeliveries,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    deliveredAt: document.deliveredAt,
    failedAt: document.failedAt,
    failureReason: document.failureReason,
    attempts,
    event: JSON.parse(document.body) as WebhookEnvelope,
  };
}

export class MongoWebhookDeliveryLog implements WebhookDeliveryLog {
  private readonly deliveries: Collection<DeliveryDocument>;
  private readonly lists: Collection<DeliveryListDocument>;

  constructor(db: Db) {
    this.deliveries = db.collection<DeliveryDocument>(DELIVERY_COLLECTIONS.deliveries);
    this.lists = db.collection<DeliveryListDocument>(DELIVERY_COLLECTIONS.lists);
  }

  async begin(endpointId: string, envelope: WebhookEnvelope, series: number, at: string): Promise<void> {
    const _id = documentId(endpointId, envelope.id);
    const existing = await this.deliveries.findOne({ _id });
    if (existing) {
      // A redelivery starts a new series; a series begun before (a retried activity) changes nothing.
      if (series > existing.redeliveries) {
        await this.deliveries.updateOne({ _id }, { $set: { status: 'pending', redeliveries: series, updatedAt: at, failedAt: null, failureReason: null } });
      }
      return;
    }
    try {
      await this.deliveries.insertOne({
        _id,
        deliveryId: envelope.id,
        endpointId,
        organizationId: envelope.organizationId,
        eventType: envelope.type,
        body: JSON.stringify(envelope),
        status: 'pending',
        redeliveries: series,
        createdAt: at,
        updatedAt: at,
        deliveredAt: null,
        failedAt: null,
        failureReason: null,
        attempts: {},
      });
    } catch (error) {
      // Begun by a run that raced this one: it listed the delivery already.
      if (error instanceof MongoServerError && error.code === 11000) return;
      throw error;
    }
    await this.list(endpointId, envelope.id);
  }

  async recordAttempt(endpointId: string, deliveryId: string, attempt: WebhookDeliveryAttempt): Promise<void> {
    await this.deliveries.updateOne({ _id: documentId(endpointId, deliveryId) }, { $set: { [`attempts.${attemptKey(attempt)}`]: attempt, updatedAt: attempt.startedAt } });
  }

  async finish(endpointId: string, deliveryId: string, outcome: { status: 'delivered' | 'failed' | 'cancelled'; at: string; reason?: string }): Promise<void> {
    const fields =
      outcome.status === 'delivered'
        ? { status: outcome.status, deliveredAt: outcome.at, failureReason: null }
        : { status: outcome.status, failedAt: outcome.at, failureReason: outcome.reason ?? null };
    await this.deliveries.updateOne({ _id: documentId(endpointId, deliveryId) }, { $set: { ...fields, updatedAt: outcome.at } });
  }

  async find(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    const document = await this.deliveries.findOne({ _id: documentId(endpointId, deliveryId) });
    return document ? toDelivery(document) : null;
  }

  async recent(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const list = await this.lists.findOne({ _id: endpointId });
    const ids = Object.values(list?.slots ?? {})
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, limit)
      .map((slot) => slot.deliveryId);
    const documents = await Promise.all(ids.map((deliveryId) => this.deliveries.findOne({ _id: documentId(endpointId, deliveryId) })));
    return documents.filter((document): document is DeliveryDocument => document !== null).map(toDelivery);
  }

  /** Puts a new delivery in the endpoint's ring of recent ones. */
  private async list(endpointId: string, deliveryId: string): Promise<void> {
    const counted = await this.lists.findOneAndUpdate({ _id: endpointId }, { $inc: { count: 1 } }, { upsert: true, returnDocument: 'after' });
    const sequence = counted?.count ?? 1;
    await this.lists.updateOne({ _id: endpointId }, { $set: { [`slots.${sequence % RECENT_DELIVERIES_KEPT}`]: { deliveryId, sequence } } });
  }
}
