// `tally worker` killed in the middle of a delivery: the receiver has the
// request, the worker never hears the answer. Another worker process takes
// over, Temporal tries the attempt again once it has timed out, and the
// receiver gets the same event with the same id, so one that dedupes by id
// processes it once. `tally serve` registers the endpoint and pings it through
// the same deliveries, and neither process ever writes the signing secret or
// the key that seals it to its output.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { verifyWebhookSignature } from '@tally/sdk';
import { encodeEvent } from '../../src/application/event-log/organization-event-codec';
import { organizationStreamId, type UsageThresholdCrossed } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { connectMongo } from '../../src/read-side/mongo/mongo-connection';
import { billingWorkflowId } from '../../src/workflows/billing-period-messages';
import { connectTemporalClient } from '../../src/workflows/temporal-connection';
import { eventually } from '../workflows/support/billing-harness';
import { stackSettings, tallyProcessEnvironment } from '../support/stack-settings';
import { listeningUrl, startTally, type TallyProcess } from './support/tally-processes';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const ORG = `org_crash_${randomUUID().slice(0, 8)}`;

describe('a worker killed during a delivery', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-webhook-crash-'));
  const run = randomUUID().slice(0, 8);
  const secretKey = randomBytes(32).toString('hex');
  const adminKey = randomBytes(24).toString('hex');
  const env = {
    ...tallyProcessEnvironment({ storePath: join(directory, 'events.sqlite'), database: `tally_webhook_crash_${run}`, taskQueue: `tally-webhook-crash-${run}` }),
    TALLY_ADMIN_KEY: adminKey,
    HOST: '127.0.0.1',
    PORT: '0',
    TALLY_WEBHOOK_SECRET_KEY: secretKey,
    TALLY_WEBHOOK_ALLOW_PRIVATE: 'true',
    // An attempt cut off by the crash is noticed after its 1 s limit and 5 s of margin.
    TALLY_WEBHOOK_TIMEOUT_MS: '1000',
    TALLY_WEBHOOK_RETRY_INITIAL_MS: '200',
    TALLY_WEBHOOK_RETRY_MAX_INTERVAL_MS: '1000',
    // The killed worker's reactors hold their leases this long.
    PROJECTOR_LEASE_MS: '2000',
    PROJECTOR_BATCH_WINDOW_MS: '10',
    LOG_LEVEL: 'debug',
  };
  const processes: TallyProcess[] = [];
  let receiver: WebhookReceiver;
  let client: Client;
  let store: SqliteEventStore;
  let url: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    // The first request is held open, as a slow receiver would; the worker dies while it waits.
    receiver = await startWebhookReceiver((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    client = await connectTemporalClient({ address: stackSettings().temporalAddress, namespace: stackSettings().temporalNamespace });
    const server = startTally('serve', env);
    processes.push(server);
    url = await listeningUrl(server);
    store = SqliteEventStore.open(env.TALLY_EVENT_STORE_PATH);
  }, 90_000);

  afterAll(async () => {
    for (const running of processes) if (running.child.exitCode === null) running.child.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await client.workflow.getHandle(billingWorkflowId(ORG)).terminate('test finished').catch(() => undefined);
    await client.connection.close();
    await receiver.close();
    await store.close();
    const mongo = await connectMongo(stackSettings().mongodbUrl, env.MONGODB_DATABASE);
    await mongo.db.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('delivers the event again with the same id after another worker takes over, and the receiver processes it once', async () => {
    expect((await api('POST', '/api/organizations', { organizationId: ORG, name: 'Crash test' })).status).toBe(201);
    const created = await api('POST', `/api/organizations/${ORG}/webhooks`, { url: receiver.url, eventTypes: ['usage.threshold_crossed'] });
    expect(created.status).toBe(201);
    const { endpointId, secret } = created.body as { endpointId: string; secret: string };

    const first = startTally('worker', env);
    processes.push(first);
    const crossing: UsageThresholdCrossed = {
      type: 'UsageThresholdCrossed',
      data: {
        organizationId: ORG,
        ruleId: 'rule_80',
        watch: { kind: 'percentOfIncluded', feature: 'OCR_SCAN', percentOfIncluded: 80 },
        threshold: '80',
        value: '80',
        window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        cause: 'usage',
        crossedAt: new Date().toISOString(),
      },
    };
    await store.appendToStream(organizationStreamId(ORG), [encodeEvent(crossing)]);
    const stream = await store.readStream(organizationStreamId(ORG));
    const eventId = stream[stream.length - 1].eventId;

    // The request is at the receiver, unanswered: kill the worker now.
    await receiver.waitFor(1, 90_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = startTally('worker', env);
    processes.push(second);
    const requests = await receiver.waitFor(2, 90_000);
    for (const request of requests) {
      expect(request.headers['tally-event-id']).toBe(eventId);
      expect(verifyWebhookSignature(request.rawBody, request.headers['tally-signature'], secret)).toMatchObject({ id: eventId, type: 'usage.threshold_crossed', organizationId: ORG });
    }
    expect(requests[1].headers['tally-delivery-attempt']).toBe('2');
    expect(receiver.processed).toEqual(new Set([eventId]));

    const delivery = await eventually(async () => {
      const { body } = await api('GET', `/api/organizations/${ORG}/webhooks/${endpointId}/deliveries`);
      const [found] = body.deliveries as { deliveryId: string; status: string; attempts: { attempt: number; statusCode: number | null }[] }[];
      expect(found).toMatchObject({ deliveryId: eventId, status: 'delivered' });
      return found;
    }, 30_000);
    // The killed attempt never came back to be written down; the one that was accepted did.
    expect(delivery.attempts[delivery.attempts.length - 1]).toMatchObject({ attempt: 2, statusCode: 200 });

    // A ping through `tally serve` reaches the same worker's deliveries.
    const ping = await api('POST', `/api/organizations/${ORG}/webhooks/${endpointId}/ping`);
    expect(ping.status).toBe(202);
    const pinged = (await receiver.waitFor(3, 60_000))[2];
    expect(verifyWebhookSignature(pinged.rawBody, pinged.headers['tally-signature'], secret)).toMatchObject({ id: (ping.body as { deliveryId: string }).deliveryId, type: 'ping' });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    processes[0].child.kill('SIGTERM');
    expect(await processes[0].exited).toBe(0);

    const output = processes.map((running) => running.output()).join('\n');
    expect(output).toContain('worker started');
    expect(output).not.toContain(secret);
    expect(output).not.toContain(secret.slice(6));
    expect(output).not.toContain(secretKey);
  }, 240_000);
});
