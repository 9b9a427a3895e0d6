// The seed's Quick Start, steps 1 to 5, and its overage test, as raw HTTP with
// the seed's bodies and query strings: what a client in any language sends.
import { startApi, type RunningApi } from '../support/api-harness';

let api: RunningApi;
let apiKey: string;

beforeAll(async () => {
  api = await startApi();
  ({ apiKey } = await api.createOrganization('org_123'));
});

afterAll(async () => {
  await api.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; contentType: string | null; json: Record<string, unknown> }> {
  const response = await api.request(method, path, { apiKey, body });
  return { status: response.status, contentType: response.headers.get('content-type'), json: (await response.json()) as Record<string, unknown> };
}

type Feature = { feature: string; totalQuantity: number; includedQuantity: number; overageQuantity: number; overageAmount: number };

describe('the Quick Start over raw HTTP', () => {
  let lastPosition: string;

  it('1. POST /api/usage/org_123/quota configures the quota', async () => {
    const answer = await call('POST', '/api/usage/org_123/quota', { feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5, currency: 'EUR' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ changed: true, position: expect.stringMatching(/^\d+$/) });
  });

  it("2. POST /api/usage/track records the seed's OCR scan", async () => {
    const answer = await call('POST', '/api/usage/track', {
      organizationId: 'org_123',
      feature: 'OCR_SCAN',
      quantity: 1,
      metadata: { fileSize: 1024000, documentType: 'receipt' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ duplicate: false, countedAs: 'usage', idempotencyKey: expect.any(String), position: expect.stringMatching(/^\d+$/) });
  });

  it('3. tracks an API call and a bulk, and acknowledges a resend as a duplicate', async () => {
    const single = await call('POST', '/api/usage/track', {
      organizationId: 'org_123',
      feature: 'API_CALL',
      quantity: 1,
      metadata: { endpoint: '/api/invoices', method: 'POST' },
      userId: 'user_456',
      idempotencyKey: 'call-1',
    });
    expect(single.json).toMatchObject({ idempotencyKey: 'call-1', duplicate: false });
    const resent = await call('POST', '/api/usage/track', { organizationId: 'org_123', feature: 'API_CALL', quantity: 1, metadata: { endpoint: '/api/invoices', method: 'POST' }, userId: 'user_456', idempotencyKey: 'call-1' });
    expect(resent.json).toMatchObject({ idempotencyKey: 'call-1', duplicate: true, countedAs: null });

    const bulk = await call('POST', '/api/usage/track/bulk', {
      organizationId: 'org_123',
      items: [
        { feature: 'EMAIL_SENT', quantity: 5 },
        { feature: 'PDF_EXPORT', quantity: 2 },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.json).toMatchObject({ accepted: 2, duplicates: 0 });
    lastPosition = bulk.json.position as string;
  });

  it('4. GET /api/usage/org_123 and the quota check read the usage back', async () => {
    const usage = await call('GET', `/api/usage/org_123?waitForPosition=${lastPosition}`);
    expect(usage.status).toBe(200);
    const byFeature = new Map((usage.json.features as Feature[]).map((f) => [f.feature, f]));
    expect(byFeature.get('OCR_SCAN')).toMatchObject({ totalQuantity: 1, includedQuantity: 100, overageQuantity: 0 });
    expect(byFeature.get('API_CALL')).toMatchObject({ totalQuantity: 1 });
    expect(byFeature.get('EMAIL_SENT')).toMatchObject({ totalQuantity: 5 });
    expect(byFeature.get('PDF_EXPORT')).toMatchObject({ totalQuantity: 2 });

    const filtered = await call('GET', '/api/usage/org_123?features=OCR_SCAN,API_CALL');
    expect((filtered.json.features as Feature[]).map((f) => f.feature).sort()).toEqual(['API_CALL', 'OCR_SCAN']);

    const quota = await call('GET', '/api/usage/org_123/quota/OCR_SCAN');
    expect(quota.status).toBe(200);
    expect(quota.json).toMatchObject({ hasQuota: true, used: 1, included: 100, remaining: 99 });
  });

  it('5. GET history?limit=12 and estimate answer for the open period', async () => {
    const history = await call('GET', '/api/usage/org_123/history?limit=12');
    expect(history.status).toBe(200);
    expect(history.json).toMatchObject({ organizationId: 'org_123', periods: [] });

    const estimate = await call('GET', '/api/usage/org_123/estimate');
    expect(estimate.status).toBe(200);
    expect(estimate.json).toMatchObject({ organizationId: 'org_123', currency: 'EUR', method: expect.any(String) });
    expect((estimate.json.features as { feature: string }[]).some((f) => f.feature === 'OCR_SCAN')).toBe(true);
  });
});

describe("the seed's overage test over raw HTTP", () => {
  it('bills 25 scans over a free tier of 50 at 5 cents: overageAmount 1.25', async () => {
    const { apiKey: testKey } = await api.createOrganization('org_test');
    const post = (path: string, body: unknown) => api.request('POST', path, { apiKey: testKey, body });
    expect((await post('/api/usage/org_test/quota', { feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 })).status).toBe(200);
    const tracked = (await (await post('/api/usage/track', { organizationId: 'org_test', feature: 'OCR_SCAN', quantity: 75 })).json()) as { position: string };

    const response = await api.request('GET', `/api/usage/org_test?waitForPosition=${tracked.position}`, { apiKey: testKey });
    const usage = (await response.json()) as { features: Feature[] };

    expect(usage.features[0].overageQuantity).toBe(25);
    expect(usage.features[0].overageAmount).toBe(1.25);
  });
});
