// The Express middleware's `requireQuota` option: the organization's quota is
// checked before the handler runs (the usage-metering module's API-call
// example), a request whose units are not allowed gets 403 and never reaches
// the handler nor the bill, and what happens when Tally cannot answer is the
// product's choice. The client is the SDK's own, against a local stand-in for Tally.
import type { Server } from 'node:http';
import express, { type Request } from 'express';
import supertest from 'supertest';
import { UsageExtractionError, UsageFeature, UsageMeteringClient, TallyNetworkError, type QuotaCheck } from '@tally/sdk';
import { trackUsage, type RequireQuotaOptions, type TrackUsageMiddlewareOptions } from '@tally/sdk/express';
import { FRESHNESS, startFakeTallyServer, type FakeTallyServer } from './support/fake-tally-server';
import { eventually, quietPeriod, RecordingRecorder } from './support/recording-recorder';

let tally: FakeTallyServer;
let client: UsageMeteringClient;
let recorder: RecordingRecorder;
let handled: number;
const servers: Server[] = [];

beforeEach(async () => {
  tally = await startFakeTallyServer();
  client = new UsageMeteringClient({ baseUrl: tally.baseUrl, apiKey: 'tk_test', timeoutMs: 2_000 });
  recorder = new RecordingRecorder();
  handled = 0;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await tally.close();
});

/** Requests to the app, listening on the loopback address only. */
function request(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  return supertest(server);
}

function quotaAnswer(allowed: boolean, requested = 1): { status: number; body: QuotaCheck } {
  return {
    status: 200,
    body: {
      organizationId: 'org_123',
      feature: 'API_CALL',
      allowed,
      requested,
      hasQuota: allowed,
      withinIncluded: allowed,
      used: allowed ? 9_990 : 10_000,
      reserved: 0,
      included: 10_000,
      remaining: allowed ? 10 : 0,
      enforcement: 'hard',
      resetPeriod: 'MONTHLY',
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
      freshness: FRESHNESS,
    },
  };
}

const orgHeader = (req: Request) => req.header('x-org-id');

function appWith(requireQuota: Partial<RequireQuotaOptions> = {}, options: Partial<TrackUsageMiddlewareOptions> = {}) {
  const app = express();
  app.post('/api/invoices', trackUsage(UsageFeature.API_CALL, { tracker: recorder, extractOrgId: orgHeader, requireQuota: { client, ...requireQuota }, ...options }), (_req, res) => {
    handled += 1;
    res.status(201).json({ id: 'inv_1' });
  });
  return app;
}

const quotaChecks = () => tally.requests.filter((recorded) => recorded.url.includes('/quota/')).map((recorded) => recorded.url);

describe('trackUsage with requireQuota', () => {
  it('asks Tally before the handler runs, serves the request while the units are allowed, and records it afterwards', async () => {
    tally.script(quotaAnswer(true));
    await request(appWith()).post('/api/invoices').set('x-org-id', 'org_123').expect(201, { id: 'inv_1' });
    expect(quotaChecks()).toEqual(['/api/usage/org_123/quota/API_CALL?quantity=1']);
    expect(tally.requests[0].headers.authorization).toBe('Bearer tk_test');
    await eventually(() => recorder.events.length === 1);
    expect(recorder.events).toEqual([{ organizationId: 'org_123', feature: 'API_CALL' }]);
    expect(handled).toBe(1);
  });

  it('answers 403 with the quota figures when the units are not allowed: the handler never runs and nothing is recorded', async () => {
    tally.script(quotaAnswer(false));
    const response = await request(appWith()).post('/api/invoices').set('x-org-id', 'org_123').expect(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual({
      type: 'https://tally.dev/problems/quota-exceeded',
      title: 'Quota exceeded',
      status: 403,
      detail: 'API_CALL quota exceeded',
      feature: 'API_CALL',
      included: 10_000,
      used: 10_000,
      reserved: 0,
      remaining: 0,
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
    });
    await quietPeriod();
    expect([handled, recorder.events, recorder.errors]).toEqual([0, [], []]);
  });

  it("asks about the request's own units: the check's quantity, else the middleware's fixed quantity", async () => {
    tally.script(quotaAnswer(true, 7), quotaAnswer(true, 3));
    await request(appWith({ quantity: (req) => Number(req.header('x-lines')) })).post('/api/invoices').set('x-org-id', 'org_1').set('x-lines', '7').expect(201);
    await request(appWith({}, { quantity: 3 })).post('/api/invoices').set('x-org-id', 'org_1').expect(201);
    expect(quotaChecks()).toEqual(['/api/usage/org_1/quota/API_CALL?quantity=7', '/api/usage/org_1/quota/API_CALL?quantity=3']);
  });

  it('answers a refusal its own way when the product says how', async () => {
    tally.script(quotaAnswer(false));
    const onQuotaExceeded: RequireQuotaOptions['onQuotaExceeded'] = (check, _req, res) => {
      res.status(429).json({ error: `${check.feature} limit reached`, resetsAt: check.windowEnd });
    };
    await request(appWith({ onQuotaExceeded })).post('/api/invoices').set('x-org-id', 'org_123').expect(429, { error: 'API_CALL limit reached', resetsAt: '2026-12-01T00:00:00.000Z' });
    expect(handled).toBe(0);
  });

  it('serves a request without an organization without asking Tally', async () => {
    await request(appWith()).post('/api/invoices').expect(201);
    expect([quotaChecks(), handled]).toEqual([[], 1]);
  });

  it("lets the request through when Tally cannot answer, reporting why to the tracker's onError", async () => {
    await tally.close();
    await request(appWith()).post('/api/invoices').set('x-org-id', 'org_123').expect(201);
    expect(handled).toBe(1);
    expect(recorder.errors).toEqual([expect.any(TallyNetworkError)]);
  });

  it("answers 503 instead under whenQuotaUnknown: 'deny'", async () => {
    tally.script({ status: 500, body: { type: 'about:blank', title: 'Internal server error', status: 500 } });
    const response = await request(appWith({ whenQuotaUnknown: 'deny' })).post('/api/invoices').set('x-org-id', 'org_123').expect(503);
    expect(response.body).toMatchObject({ status: 503, detail: 'The API_CALL quota could not be checked' });
    expect(handled).toBe(0);
    expect(recorder.errors).toHaveLength(1);
  });

  it('serves the request and reports the extractor when the quantity to check cannot be worked out', async () => {
    const quantity = () => {
      throw new Error('no lines header');
    };
    await request(appWith({ quantity })).post('/api/invoices').set('x-org-id', 'org_123').expect(201);
    expect(quotaChecks()).toEqual([]);
    expect(recorder.errors).toEqual([expect.any(UsageExtractionError)]);
    expect((recorder.errors[0] as UsageExtractionError).extractor).toBe('requireQuota.quantity');
  });
});
