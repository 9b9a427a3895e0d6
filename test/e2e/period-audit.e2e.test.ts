// The period audit over HTTP: the same proof as `tally audit`, for the admin
// or the organization's own key; differences are findings in a 200 answer,
// and an audit never reports a projector that is merely behind as a wrong bill.
import { startApi, type RunningApi } from '../support/api-harness';
import { FixedClock } from '../support/fixed-clock';
import { tamperWithUsage } from '../support/read-model-snapshot';

let api: RunningApi;
let apiKey: string;
let lastPosition: string;

beforeAll(async () => {
  api = await startApi({ clock: new FixedClock(new Date('2026-11-15T12:00:00Z')) });
  ({ apiKey } = await api.createOrganization('org_123'));
  const quota = await api.request('POST', '/api/usage/org_123/quota', { apiKey, body: { feature: 'OCR_SCAN', includedQuantity: 10, pricePerUnit: 5 } });
  expect(quota.status).toBe(200);
  const items = Array.from({ length: 5 }, (_, i) => ({ feature: 'OCR_SCAN', quantity: 3, idempotencyKey: `scan-${i}` }));
  for (const attempt of [1, 2]) {
    // The second attempt is a client retry: five duplicates, acknowledged and never counted.
    const bulk = await api.request('POST', '/api/usage/track/bulk', { apiKey, body: { organizationId: 'org_123', items } });
    expect([attempt, bulk.status]).toEqual([attempt, 200]);
    ({ position: lastPosition } = (await bulk.json()) as { position: string });
  }
});

afterAll(async () => {
  await api.close();
});

async function audit(query: string, key = apiKey): Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }> {
  const response = await api.request('GET', `/api/usage/org_123/audit${query}`, { apiKey: key });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('GET /api/usage/{orgId}/audit', () => {
  it("proves the open period from the event log for the organization's own key", async () => {
    const answer = await audit('?period=2026-11');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      organizationId: 'org_123',
      period: '2026-11',
      billingPeriod: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
      closedAt: null,
      agrees: true,
      differences: [],
      readModels: { includesRequestedPosition: true },
    });
    expect(BigInt(answer.body.logPosition as string)).toBeGreaterThanOrEqual(BigInt(lastPosition));
    // 15 scans, 10 free, 5 over at 5 cents.
    expect(answer.body.features).toEqual([
      { feature: 'OCR_SCAN', eventsCounted: 5, duplicatesIgnored: 5, corrections: 0, quantity: 15, includedQuantity: 10, overageQuantity: 5, overageAmount: '0.25', currency: 'EUR', reportedToStripe: null, invoiced: null },
    ]);
  });

  it('gives the admin the same audit', async () => {
    const asOrganization = await audit('?period=2026-11');
    const asAdmin = await audit('?period=2026-11', api.adminKey);
    expect(asAdmin).toEqual(asOrganization);
  });

  it('reports a corrupted read-model document as differences in a 200 answer', async () => {
    const november = '2026-11-01T00:00:00.000Z';
    await tamperWithUsage(api.mongo.db, 'org_123', november, 'OCR_SCAN', 2);
    try {
      const answer = await audit('?period=2026-11');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ agrees: false });
      expect(answer.body.differences).toEqual([
        { source: 'read-model', feature: 'OCR_SCAN', field: 'quantity', expected: '15', actual: '17' },
        { source: 'read-model', feature: 'OCR_SCAN', field: 'overageQuantity', expected: '5', actual: '7' },
        { source: 'read-model', feature: 'OCR_SCAN', field: 'overageAmount', expected: '0.25', actual: '0.35' },
      ]);
    } finally {
      await tamperWithUsage(api.mongo.db, 'org_123', november, 'OCR_SCAN', -2);
    }
  });

  it('audits a month without usage as agreeing, with nothing counted', async () => {
    const answer = await audit('?period=2026-09');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ agrees: true, features: expect.any(Array), differences: [] });
    for (const feature of answer.body.features as { quantity: number }[]) expect(feature.quantity).toBe(0);
  });

  it('refuses a missing or malformed period with the failing field', async () => {
    for (const query of ['', '?period=2026-13', '?period=November', '?period=2026-11&extra=1']) {
      const answer = await audit(query);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    }
    const missing = await audit('');
    expect(missing.body).toMatchObject({ errors: [expect.objectContaining({ path: 'period' })] });
  });
});

describe('an audit while the projector is stopped', () => {
  it('waits a bounded time, then says the read models had not caught up instead of blaming the bill', async () => {
    const paused = await startApi({ clock: new FixedClock(new Date('2026-11-15T12:00:00Z')), projector: false });
    try {
      await paused.createOrganization('org_paused');
      const track = await paused.request('POST', '/api/usage/track', { body: { organizationId: 'org_paused', feature: 'OCR_SCAN', quantity: 2 } });
      expect(track.status).toBe(200);
      const answer = await paused.request('GET', '/api/usage/org_paused/audit?period=2026-11');
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { agrees: boolean; readModels: { includesRequestedPosition: boolean } };
      expect(body.readModels.includesRequestedPosition).toBe(false);
      // Nothing was projected, so the read models disagree; the flag above is what tells the reader why.
      expect(body.agrees).toBe(false);
    } finally {
      await paused.close();
    }
  }, 30_000);
});
