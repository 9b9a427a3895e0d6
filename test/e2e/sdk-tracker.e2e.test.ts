// The SDK's background tracker against the real API: the API names refused
// bulk items by path (items[i].field), and the tracker relies on exactly that
// to drop only those and deliver the rest; resent events are never counted twice.
import { UsageMeteringClient, UsageTracker } from '@tally/sdk';
import { startApi, type RunningApi } from '../support/api-harness';

let api: RunningApi;
let client: UsageMeteringClient;

beforeAll(async () => {
  api = await startApi();
  const { apiKey } = await api.createOrganization('org_123');
  client = new UsageMeteringClient({ baseUrl: api.url, apiKey });
});

afterAll(async () => {
  await api.close();
});

describe('the SDK tracker against the API', () => {
  it('drops only the items the API refused and records the others', async () => {
    const dropped: { error: Error; count: number }[] = [];
    const tracker = new UsageTracker({ client, flushIntervalMs: 60_000, onError: (error, events) => dropped.push({ error, count: events.length }) });
    tracker.track({ organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 2 });
    tracker.track({ organizationId: 'org_123', feature: 'NOT_A_FEATURE', quantity: 1 });
    tracker.track({ organizationId: 'org_123', feature: 'OCR_SCAN', quantity: 3 });
    tracker.track({ organizationId: 'org_123', feature: 'NOT_A_FEATURE', quantity: 4 });
    await tracker.shutdown();

    expect(tracker.stats).toMatchObject({ sent: 2, dropped: 2 });
    expect(dropped.map((d) => d.count).reduce((a, b) => a + b, 0)).toBe(2);
    const check = await client.checkQuota('org_123', 'OCR_SCAN', { waitForPosition: (await client.trackUsage({ organizationId: 'org_123', feature: 'API_CALL' })).position as string });
    expect(check.used).toBe(5);
  });

  it('counts a resent batch once', async () => {
    const items = [
      { feature: 'PDF_EXPORT', quantity: 2, idempotencyKey: 'export-1', timestamp: new Date().toISOString() },
      { feature: 'PDF_EXPORT', quantity: 3, idempotencyKey: 'export-2', timestamp: new Date().toISOString() },
    ];
    const first = await client.trackBulkUsage('org_123', items);
    const again = await client.trackBulkUsage('org_123', items);
    expect([first.accepted, first.duplicates]).toEqual([2, 0]);
    expect([again.accepted, again.duplicates]).toEqual([0, 2]);
    const usage = await client.getCurrentUsage({ organizationId: 'org_123', features: ['PDF_EXPORT'], waitForPosition: again.position as string });
    expect(usage.features[0].totalQuantity).toBe(5);
  });
});
