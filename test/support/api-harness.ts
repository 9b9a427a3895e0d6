// The whole API as `tally serve` runs it, for end-to-end tests: the app built
// by the same composition, listening on a free loopback port, on an embedded
// SQLite event store in a temporary folder and a fresh database on the local
// MongoDB-wire server, with a projector running in-process.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { BillingWorkflows } from '../../src/application/ports/billing-workflows';
import { systemClock, type Clock } from '../../src/application/ports/clock';
import { composeApi, type ComposedApi } from '../../src/composition/api';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { listen } from '../../src/infrastructure/http/api-server';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { stackSettings } from './stack-settings';
import { composeProjector } from '../../src/composition/read-side';
import type { ApiWebhookSettings } from '../../src/composition/webhooks';

export interface RunningApi {
  readonly url: string;
  readonly adminKey: string;
  readonly store: SqliteEventStore;
  readonly mongo: MongoConnection;
  readonly composed: ComposedApi;
  /** Creates an organization and issues it a key, over HTTP as an operator would. */
  createOrganization(organizationId: string, settings?: Record<string, unknown>): Promise<{ apiKey: string; keyId: string; position: string }>;
  /** fetch against the API with a key (the admin key when none is given). */
  request(method: string, path: string, options?: { apiKey?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export interface StartApiOptions {
  readonly clock?: Clock;
  readonly rateLimitPerSecond?: number;
  readonly workflows?: BillingWorkflows;
  /** Off for tests that check the read side is never touched. */
  readonly projector?: boolean;
  /** A fresh secret key, private addresses allowed (receivers listen on loopback) and no deliveries, unless given. */
  readonly webhooks?: ApiWebhookSettings;
}

export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const directory = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
  const store = SqliteEventStore.open(join(directory, 'events.sqlite'));
  const mongo = await connectMongo(stackSettings().mongodbUrl, `tally_e2e_${randomUUID().slice(0, 12)}`);
  const clock = options.clock ?? systemClock;
  const adminKey = randomBytes(24).toString('hex');
  const composed = composeApi({
    eventStore: store,
    db: mongo.db,
    clock,
    logger: pino({ level: 'silent' }),
    options: { adminKey, rateLimitPerSecond: options.rateLimitPerSecond },
    workflows: options.workflows,
    webhooks: options.webhooks ?? { secretKey: randomBytes(32).toString('hex'), allowPrivateAddresses: true },
  });
  const projector =
    options.projector === false
      ? null
      : composeProjector({ store, db: mongo.db, clock, batchWindowMs: 5 });
  const projecting = projector?.run();
  const server = await listen(composed.app, '127.0.0.1', 0);

  const request: RunningApi['request'] = (method, path, requestOptions = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${requestOptions.apiKey ?? adminKey}`,
        ...(requestOptions.body !== undefined && { 'content-type': 'application/json' }),
        ...requestOptions.headers,
      },
      body: requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body),
    });

  return {
    url: server.url,
    adminKey,
    store,
    mongo,
    composed,
    request,
    async createOrganization(organizationId, settings = {}) {
      const created = await request('POST', '/api/organizations', { body: { organizationId, name: organizationId, ...settings } });
      if (created.status !== 201) throw new Error(`creating ${organizationId} answered ${created.status}: ${await created.text()}`);
      const issued = await request('POST', `/api/organizations/${organizationId}/api-keys`, { body: { label: 'e2e' } });
      if (issued.status !== 201) throw new Error(`issuing a key answered ${issued.status}: ${await issued.text()}`);
      const { position } = (await created.json()) as { position: string };
      return { ...((await issued.json()) as { apiKey: string; keyId: string }), position };
    },
    async close() {
      await server.close();
      projector?.stop();
      await projecting;
      await mongo.db.dropDatabase();
      await mongo.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
