// Webhook delivery as `tally worker` runs it, in the test's process: the
// delivery worker on its own task queue of the Temporal dev server and the
// webhook reactor following an embedded SQLite log, the delivery log in a
// fresh database of the local MongoDB-wire server, and the endpoints managed
// as the API manages them. Retries are short, so three days take seconds.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { encodeEvent } from '../../../src/application/event-log/organization-event-codec';
import { OrganizationDirectory } from '../../../src/application/organization/organization-directory';
import { systemClock } from '../../../src/application/ports/clock';
import type { WebhookDeliveries, WebhookDeliveryRequest } from '../../../src/application/webhooks/webhook-deliveries';
import type { WebhookEndpoints } from '../../../src/application/webhooks/webhook-endpoints';
import type { WebhookRetryPolicy } from '../../../src/application/webhooks/webhook-retry-policy';
import { composeWebhookDelivery, composeWebhookEndpoints, type ComposedWebhookDelivery } from '../../../src/composition/webhooks';
import { composeWriteSide, type WriteSide } from '../../../src/composition/write-side';
import { organizationStreamId, type OrganizationEvent, type UsageThresholdCrossed } from '../../../src/domain/events';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite-event-store';
import { MongoWebhookDeliveryLog } from '../../../src/infrastructure/webhooks/mongo-webhook-delivery-log';
import { connectMongo, type MongoConnection } from '../../../src/read-side/mongo/mongo-connection';
import { connectTemporalClient, connectTemporalWorker } from '../../../src/workflows/temporal-connection';
import { TemporalWebhookDeliveries } from '../../../src/workflows/webhooks/temporal-webhook-deliveries';
import { stackSettings } from '../../support/stack-settings';

/** Three days of retries, shrunk: waits of 200 ms doubling to 1 s, given up after 4 s. */
export const SHORT_RETRIES: WebhookRetryPolicy = { attemptTimeoutMs: 2_000, initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 1_000, giveUpAfterMs: 4_000 };

export interface DeliveryHarness {
  readonly store: SqliteEventStore;
  readonly mongo: MongoConnection;
  readonly client: Client;
  readonly taskQueue: string;
  readonly secretKey: string;
  readonly policy: WebhookRetryPolicy;
  /** The endpoints as the API manages them, with pings and redeliveries on Temporal. */
  readonly endpoints: WebhookEndpoints;
  readonly deliveries: WebhookDeliveries;
  readonly log: MongoWebhookDeliveryLog;
  readonly writeSide: WriteSide;
  readonly delivery: ComposedWebhookDelivery;
  /** Appends a threshold crossing to the organization's stream, as the write side will; returns the event's id and position. */
  appendCrossing(organizationId: string, ruleId?: string): Promise<{ eventId: string; position: bigint }>;
  /** The organization's last event in the log, with its id. */
  lastEvent(organizationId: string): Promise<{ eventId: string; position: bigint; type: OrganizationEvent['type'] }>;
  dispose(): Promise<void>;
}

export async function startDeliveryHarness(policy: WebhookRetryPolicy = SHORT_RETRIES): Promise<DeliveryHarness> {
  const run = randomUUID().slice(0, 8);
  const directory = mkdtempSync(join(tmpdir(), 'tally-webhooks-'));
  const settings = stackSettings();
  const store = SqliteEventStore.open(join(directory, 'events.sqlite'));
  const mongo = await connectMongo(settings.mongodbUrl, `tally_webhooks_${run}`);
  const temporal = { address: settings.temporalAddress, namespace: settings.temporalNamespace };
  const client = await connectTemporalClient(temporal);
  const connection: NativeConnection = await connectTemporalWorker(temporal);
  const taskQueue = `tally-webhooks-test-${run}`;
  const secretKey = randomBytes(32).toString('hex');
  const delivery = await composeWebhookDelivery({
    store,
    db: mongo.db,
    clock: systemClock,
    connection,
    client,
    namespace: settings.temporalNamespace,
    taskQueue,
    secretKey,
    allowPrivateAddresses: true,
    policy,
    projectorSettings: { PROJECTOR_BATCH_SIZE: 100, PROJECTOR_BATCH_WINDOW_MS: 10, PROJECTOR_LEASE_MS: 5_000 },
    logger: pino({ level: 'silent' }),
  });
  const working = delivery.worker.run();
  const reacting = delivery.reactor.run();
  const deliveries = new TemporalWebhookDeliveries(client, { taskQueue, policy });
  const endpoints = composeWebhookEndpoints({
    eventStore: store,
    db: mongo.db,
    clock: systemClock,
    organizations: new OrganizationDirectory(store),
    settings: { secretKey, allowPrivateAddresses: true, deliveries },
  });

  const lastEvent: DeliveryHarness['lastEvent'] = async (organizationId) => {
    const events = await store.readStream(organizationStreamId(organizationId));
    const last = events[events.length - 1];
    return { eventId: last.eventId, position: last.position, type: last.type as OrganizationEvent['type'] };
  };

  return {
    store,
    mongo,
    client,
    taskQueue,
    secretKey,
    policy,
    endpoints,
    deliveries,
    log: new MongoWebhookDeliveryLog(mongo.db),
    writeSide: composeWriteSide({ eventStore: store, clock: systemClock }),
    delivery,
    lastEvent,
    async appendCrossing(organizationId, ruleId = 'rule_80') {
      const now = new Date().toISOString();
      const crossing: UsageThresholdCrossed = {
        type: 'UsageThresholdCrossed',
        data: {
          organizationId,
          ruleId,
          watch: { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 },
          threshold: '80',
          value: '80',
          window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
          cause: 'usage',
          crossedAt: now,
        },
      };
      await store.appendToStream(organizationStreamId(organizationId), [encodeEvent(crossing)]);
      const { eventId, position } = await lastEvent(organizationId);
      return { eventId, position };
    },
    async dispose() {
      delivery.reactor.stop();
      if (delivery.worker.getState() === 'RUNNING') delivery.worker.shutdown();
      await Promise.allSettled([working, reacting]);
      await mongo.db.dropDatabase();
      await mongo.close();
      await client.connection.close();
      await connection.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The real deliveries, counting the starts that actually started a delivery. */
export class CountingDeliveries implements WebhookDeliveries {
  started = 0;
  refused = 0;

  constructor(private readonly inner: WebhookDeliveries) {}

  async start(request: WebhookDeliveryRequest): Promise<boolean> {
    const started = await this.inner.start(request);
    if (started) this.started += 1;
    else this.refused += 1;
    return started;
  }
}
