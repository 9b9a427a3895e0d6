// The client's quota methods against a local stand-in for Tally: what goes on
// the wire for checkQuota with a quantity, reserve, commit and release, and how
// a hard quota's 403 reaches the caller (a QuotaExceededError with the quota's
// figures, never retryable).
import { isRetryableError, QuotaExceededError, TallyApiError, UsageFeature, UsageMeteringClient } from '@tally/sdk';
import { FRESHNESS, startFakeTallyServer, type FakeTallyServer } from './support/fake-tally-server';

let server: FakeTallyServer;
let client: UsageMeteringClient;

beforeEach(async () => {
  server = await startFakeTallyServer();
  client = new UsageMeteringClient({ baseUrl: server.baseUrl, apiKey: 'tk_test_secret' });
});
afterEach(() => server.close());

const last = () => server.requests[server.requests.length - 1];

const QUOTA_EXCEEDED = {
  type: 'https://tally.dev/problems/quota-exceeded',
  title: 'Quota exceeded',
  status: 403,
  detail: "OCR_SCAN's hard quota allows 50 per window; 49 used and 0 reserved leave 1, not 2 (and 1 more refused items)",
  errors: [
    { path: 'items[1].quantity', message: 'OCR_SCAN: 1 of 50 left in this window, 2 asked' },
    { path: 'items[3].quantity', message: 'OCR_SCAN: 1 of 50 left in this window, 3 asked' },
  ],
  feature: 'OCR_SCAN',
  included: 50,
  used: 49,
  reserved: 0,
  remaining: 1,
  windowStart: '2026-11-01T00:00:00.000Z',
  windowEnd: '2026-12-01T00:00:00.000Z',
};

describe('checkQuota', () => {
  it('asks for N more units with ?quantity=N and answers allowed, requested and reserved', async () => {
    const answer = {
      organizationId: 'org_123',
      feature: 'OCR_SCAN',
      allowed: false,
      requested: 5,
      hasQuota: true,
      withinIncluded: true,
      used: 40,
      reserved: 6,
      included: 50,
      remaining: 4,
      enforcement: 'hard',
      resetPeriod: 'MONTHLY',
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
      freshness: FRESHNESS,
    };
    server.script({ status: 200, body: answer });
    const check = await client.checkQuota('org_123', UsageFeature.OCR_SCAN, { quantity: 5 });
    expect(last()).toMatchObject({ method: 'GET', url: '/api/usage/org_123/quota/OCR_SCAN?quantity=5' });
    expect(check).toEqual(answer);
  });

  it('sends no quantity when none is given (the server asks about 1 unit)', async () => {
    await client.checkQuota('org_123', UsageFeature.OCR_SCAN);
    expect(last().url).toBe('/api/usage/org_123/quota/OCR_SCAN');
  });
});

describe('reservations', () => {
  it('reserve POSTs the hold to /api/usage/:orgId/reservations without repeating the organization', async () => {
    const made = await client.reserve({ organizationId: 'org_123', feature: UsageFeature.AI_CLASSIFICATION, quantity: 20, expiresInSeconds: 300, idempotencyKey: 'classify-batch-17' });
    expect(last()).toMatchObject({
      method: 'POST',
      url: '/api/usage/org_123/reservations',
      body: { feature: 'AI_CLASSIFICATION', quantity: 20, expiresInSeconds: 300, idempotencyKey: 'classify-batch-17' },
    });
    expect(last().body).not.toHaveProperty('organizationId');
    expect(made).toMatchObject({ reservationId: 'res_1', quantity: 20, duplicate: false });
  });

  it('commit POSTs what the work used to …/reservations/:id/commit', async () => {
    const committed = await client.commit({ organizationId: 'org_123', reservationId: 'res_1', quantity: 14, userId: 'user_456', metadata: { model: 'classifier-v2' } });
    expect(last()).toMatchObject({ method: 'POST', url: '/api/usage/org_123/reservations/res_1/commit', body: { quantity: 14, userId: 'user_456', metadata: { model: 'classifier-v2' } } });
    expect(Object.keys(last().body as object).sort()).toEqual(['metadata', 'quantity', 'userId']);
    expect(committed).toMatchObject({ reservationId: 'res_1', committedQuantity: 14, duplicate: false });
  });

  it('release DELETEs …/reservations/:id, encoding the ids so they cannot change the route', async () => {
    const released = await client.release('org/1', 'res_1?x');
    expect(last()).toMatchObject({ method: 'DELETE', url: '/api/usage/org%2F1/reservations/res_1%3Fx' });
    expect(released).toMatchObject({ reservationId: 'res_1?x', changed: true });
  });

  it('refuses an empty reservation id before sending anything', async () => {
    await expect(client.release('org_123', '')).rejects.toThrow(TypeError);
    await expect(client.commit({ organizationId: 'org_123', reservationId: '', quantity: 1 })).rejects.toThrow(TypeError);
    expect(server.requests).toEqual([]);
  });
});

describe('a hard quota refusing', () => {
  it('rejects with a QuotaExceededError carrying the figures and every refusing item; it is not retryable', async () => {
    server.script({ status: 403, body: QUOTA_EXCEEDED });
    const refused = client.trackBulkUsage('org_123', [{ feature: 'OCR_SCAN' }, { feature: 'OCR_SCAN', quantity: 2 }]);
    await expect(refused).rejects.toBeInstanceOf(QuotaExceededError);
    const error = (await refused.catch((caught: unknown) => caught)) as QuotaExceededError;
    expect(error).toBeInstanceOf(TallyApiError);
    expect(error).toMatchObject({
      name: 'QuotaExceededError',
      status: 403,
      feature: 'OCR_SCAN',
      included: 50,
      used: 49,
      reserved: 0,
      remaining: 1,
      windowStart: '2026-11-01T00:00:00.000Z',
      windowEnd: '2026-12-01T00:00:00.000Z',
      errors: QUOTA_EXCEEDED.errors,
    });
    expect([error.retryable, isRetryableError(error)]).toEqual([false, false]);
  });

  it('reaches reserve the same way', async () => {
    server.script({ status: 403, body: { ...QUOTA_EXCEEDED, errors: [{ path: 'quantity', message: 'OCR_SCAN: 1 of 50 left in this window, 30 asked' }] } });
    await expect(client.reserve({ organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 30, expiresInSeconds: 60 })).rejects.toMatchObject({ name: 'QuotaExceededError', remaining: 1 });
  });

  it('keeps any other 403 a plain TallyApiError', async () => {
    server.script({ status: 403, body: { type: 'https://tally.dev/problems/forbidden', title: 'Forbidden', status: 403, detail: 'admin only' } });
    const error = await client.checkQuota('org_123', 'OCR_SCAN').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TallyApiError);
    expect(error).not.toBeInstanceOf(QuotaExceededError);
  });

  it('keeps a quota-exceeded document without its figures a plain TallyApiError rather than inventing them', async () => {
    server.script({ status: 403, body: { type: QUOTA_EXCEEDED.type, title: 'Quota exceeded', status: 403, feature: 'OCR_SCAN' } });
    const error = await client.trackUsage({ organizationId: 'org_123', feature: 'OCR_SCAN' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TallyApiError);
    expect(error).not.toBeInstanceOf(QuotaExceededError);
  });
});
