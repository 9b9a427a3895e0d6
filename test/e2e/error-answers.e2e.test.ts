// The error model over real HTTP: each failure answers RFC 9457 problem+json
// with its status and stable type, the headers that go with it (Retry-After,
// WWW-Authenticate), and keys, rate limits and dependencies behave as documented.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import type { BillingWorkflows } from '../../src/application/ports/billing-workflows';
import { systemClock } from '../../src/application/ports/clock';
import { composeApi } from '../../src/composition/api';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { listen } from '../../src/infrastructure/http/api-server';
import { startApi, type RunningApi } from '../support/api-harness';

const PROBLEM = /^application\/problem\+json/;

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(PROBLEM);
  return (await response.json()) as { type: string; status: number; detail: string; errors?: { path: string }[] };
}

describe('error answers', () => {
  let api: RunningApi;
  let apiKey: string;

  beforeAll(async () => {
    api = await startApi();
    let position: string;
    ({ apiKey, position } = await api.createOrganization('org_123'));
    // Reads come from the read models, which learn of a new organization a moment after it is created.
    await api.request('GET', `/api/organizations/org_123?waitForPosition=${position}`);
  });

  afterAll(async () => {
    await api.close();
  });

  it('401 with WWW-Authenticate without a key, and for a key the admin revoked', async () => {
    const anonymous = await fetch(`${api.url}/api/usage/org_123`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problemOf(anonymous)).type).toBe('https://tally.dev/problems/unauthorized');

    const issued = (await (await api.request('POST', '/api/organizations/org_123/api-keys')).json()) as { apiKey: string; keyId: string };
    expect((await api.request('GET', '/api/usage/org_123/quota/OCR_SCAN', { apiKey: issued.apiKey })).status).toBe(200);
    const revoked = await api.request('DELETE', `/api/organizations/org_123/api-keys/${issued.keyId}`);
    expect(revoked.status).toBe(200);
    expect((await api.request('GET', '/api/usage/org_123/quota/OCR_SCAN', { apiKey: issued.apiKey })).status).toBe(401);
  });

  it('403 when an organization key calls an admin route for its own organization', async () => {
    const answer = await api.request('POST', '/api/usage/org_123/corrections', { apiKey, body: { feature: 'OCR_SCAN', quantity: -1, reason: 'test' } });
    expect(answer.status).toBe(403);
    expect((await problemOf(answer)).type).toBe('https://tally.dev/problems/forbidden');
  });

  it('400 for malformed JSON, 415 for another content type, 413 for a body over the limit', async () => {
    const raw = (body: string, contentType: string) =>
      fetch(`${api.url}/api/usage/track`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType }, body });
    const malformed = await raw('{"organizationId": "org_123",', 'application/json');
    expect([malformed.status, (await problemOf(malformed)).type]).toEqual([400, 'https://tally.dev/problems/malformed-json']);
    const form = await raw('organizationId=org_123&feature=OCR_SCAN', 'application/x-www-form-urlencoded');
    expect([form.status, (await problemOf(form)).type]).toEqual([415, 'https://tally.dev/problems/unsupported-media-type']);
    const huge = await raw(JSON.stringify({ organizationId: 'org_123', feature: 'OCR_SCAN', metadata: { blob: 'x'.repeat(6 * 1024 * 1024) } }), 'application/json');
    expect([huge.status, (await problemOf(huge)).type]).toEqual([413, 'https://tally.dev/problems/payload-too-large']);
  });

  it('answers a request that is not valid HTTP with a problem too', async () => {
    const { port, hostname } = new URL(api.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () => socket.write('POST /api/usage/track HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('close', () => resolve(received));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/Content-Type: application\/problem\+json/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'https://tally.dev/problems/bad-request', status: 400 });
  });

  it('names the failing items of a bulk, so a client can drop just those', async () => {
    const answer = await api.request('POST', '/api/usage/track/bulk', {
      apiKey,
      body: { organizationId: 'org_123', items: [{ feature: 'OCR_SCAN' }, { feature: 'OCR_SCAN', quantity: 1.5 }, { feature: 'OCR_SCAN', quantity: 'two' }] },
    });
    expect(answer.status).toBe(400);
    expect((await problemOf(answer)).errors?.map((e) => e.path)).toEqual(['items[1].quantity', 'items[2].quantity']);

    const unknown = await api.request('POST', '/api/usage/track/bulk', { apiKey, body: { organizationId: 'org_123', items: [{ feature: 'OCR_SCAN' }, { feature: 'NO_SUCH_FEATURE' }] } });
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).errors?.map((e) => e.path)).toEqual(['items[1].feature']);
  });

  it('409 for an organization that exists and for an idempotency key reused for other usage', async () => {
    const again = await api.request('POST', '/api/organizations', { body: { organizationId: 'org_123' } });
    expect([again.status, (await problemOf(again)).type]).toEqual([409, 'https://tally.dev/problems/conflict']);

    await api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_123', feature: 'OCR_SCAN', idempotencyKey: 'k-1' } });
    const reused = await api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 9, idempotencyKey: 'k-1' } });
    expect(reused.status).toBe(409);
    expect((await problemOf(reused)).errors?.[0].path).toBe('idempotencyKey');
  });

  it('503 problem for the billing routes when no workflows are configured', async () => {
    const answer = await api.request('POST', '/api/admin/jobs/report-all', { body: {} });
    expect([answer.status, (await problemOf(answer)).type]).toEqual([503, 'https://tally.dev/problems/workflows-unavailable']);
  });

  it('exposes request and usage metrics for Prometheus', async () => {
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/tally_http_requests_total\{method="POST",route="\/api\/usage\/track",status="200"\} \d+/);
    expect(metrics).toMatch(/tally_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/usage\/\{orgId\}\/quota\/\{feature\}",status="200"\}/);
    expect(metrics).toMatch(/tally_usage_events_accepted_total \d+/);
    expect(metrics).toMatch(/tally_usage_events_duplicate_total \d+/);
    expect(metrics).toMatch(/process_cpu_user_seconds_total/);
  });

  it('answers /healthz and /readyz when the stores answer', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ status: 'ready', checks: { eventStore: 'up', mongodb: 'up' } });
  });
});

describe('rate limits', () => {
  it('429 with Retry-After once a key spends its tokens', async () => {
    const api = await startApi({ rateLimitPerSecond: 5, projector: false });
    try {
      const { apiKey } = await api.createOrganization('org_123');
      const answers = await Promise.all(Array.from({ length: 12 }, () => api.request('GET', '/api/usage/org_123/quota/OCR_SCAN', { apiKey })));
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await problemOf(limited[0])).type).toBe('https://tally.dev/problems/rate-limited');
    } finally {
      await api.close();
    }
  });
});

describe('unavailable dependencies', () => {
  it('503 with Retry-After when the event store is closed', async () => {
    const api = await startApi({ projector: false });
    try {
      const { apiKey } = await api.createOrganization('org_123');
      await api.store.close();
      const answer = await api.request('POST', '/api/usage/track', { apiKey, body: { organizationId: 'org_123', feature: 'OCR_SCAN' } });
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await problemOf(answer)).type).toBe('https://tally.dev/problems/service-unavailable');
    } finally {
      await api.close();
    }
  });

  it('503 with Retry-After, and /readyz says which, when MongoDB cannot be reached', async () => {
    const store = SqliteEventStore.open(':memory:');
    const unreachable = new MongoClient('mongodb://127.0.0.1:9', { serverSelectionTimeoutMS: 300 });
    const adminKey = randomBytes(24).toString('hex');
    const composed = composeApi({ eventStore: store, db: unreachable.db('tally'), clock: systemClock, logger: pino({ level: 'silent' }), options: { adminKey } });
    await composed.commands.configureOrganization({ organizationId: 'org_123', name: 'Acme' });
    const server = await listen(composed.app, '127.0.0.1', 0);
    try {
      const usage = await fetch(`${server.url}/api/usage/org_123`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(usage.status).toBe(503);
      expect(usage.headers.get('retry-after')).toBe('5');
      await problemOf(usage);

      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await problemOf(ready)).toMatchObject({ checks: { eventStore: 'up', mongodb: 'down' } });
    } finally {
      await server.close();
      await unreachable.close();
      await store.close();
    }
  });
});

describe('billing workflows', () => {
  it('signals a job and reports the period status through the BillingWorkflows port', async () => {
    const workflows: BillingWorkflows = {
      ensurePeriodWorkflow: async () => undefined,
      runJob: async () => ({ signalled: 3 }),
      status: async (organizationId) => ({
        organizationId,
        billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        workflowId: `billing-${organizationId}`,
        lastAggregationAt: null,
        lastReportAt: null,
        failures: [],
        nextAction: { kind: 'aggregate', at: '2026-11-15T13:00:00.000Z' },
        closed: false,
        stripeBilling: 'meter',
      }),
    };
    const api = await startApi({ workflows, projector: false });
    try {
      const { apiKey } = await api.createOrganization('org_123');
      const job = await api.request('POST', '/api/admin/jobs/aggregate-all', { body: { organizationId: 'org_123' } });
      expect([job.status, await job.json()]).toEqual([202, { job: 'aggregate-all', organizationId: 'org_123', signalled: 3 }]);
      const status = await api.request('GET', '/api/usage/org_123/billing-status', { apiKey });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ workflowId: 'billing-org_123', closed: false, stripeBilling: 'meter' });
    } finally {
      await api.close();
    }
  });
});
