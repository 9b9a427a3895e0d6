// The seed's Quick Start, steps 1 to 5, and its overage test, run through the
// TypeScript SDK against the real API: Express on a free port, the SQLite event
// store, FerretDB read models and a projector running alongside.
import { TrackUsage, UsageFeature, UsageMeteringClient, UsageTracker, type UsageRecorder } from '@tally/sdk';
import { startApi, type RunningApi } from '../support/api-harness';

interface ScanReceiptDto {
  readonly orgId: string;
  readonly file: string;
}

/** Step 2's service, as the seed writes it, with the tracker on the instance. */
class OcrService {
  constructor(readonly usageTracker: UsageRecorder) {}

  @TrackUsage(UsageFeature.OCR_SCAN, {
    extractOrgId: ([dto]: [ScanReceiptDto]) => dto.orgId,
    extractMetadata: (result: { fileSize: number; documentType: string }) => ({ fileSize: result.fileSize, documentType: result.documentType }),
  })
  async scanReceipt(dto: ScanReceiptDto): Promise<{ fileSize: number; documentType: string }> {
    return { fileSize: dto.file.length * 1_000, documentType: 'receipt' };
  }
}

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});

afterAll(async () => {
  await api.close();
});

describe('the Quick Start through the SDK', () => {
  let client: UsageMeteringClient;
  let tracker: UsageTracker;

  beforeAll(async () => {
    const { apiKey } = await api.createOrganization('org_123');
    client = new UsageMeteringClient({ baseUrl: api.url, apiKey });
    tracker = new UsageTracker({ client, flushIntervalMs: 50 });
  });

  afterAll(async () => {
    await tracker.shutdown();
  });

  it('1. configures the usage quota', async () => {
    const result = await client.configureQuota({
      organizationId: 'org_123',
      feature: UsageFeature.OCR_SCAN,
      includedQuantity: 100,
      pricePerUnit: 5,
      currency: 'EUR',
      resetPeriod: 'MONTHLY',
    });
    expect(result).toEqual({ changed: true, position: expect.stringMatching(/^\d+$/) });
  });

  it('2. tracks usage with the decorator', async () => {
    const ocr = new OcrService(tracker);
    for (const file of ['a.pdf', 'bb.pdf', 'ccc.pdf']) await ocr.scanReceipt({ orgId: 'org_123', file });
    await tracker.flush();
    expect(tracker.stats).toMatchObject({ tracked: 3, sent: 3, dropped: 0 });
  });

  let lastPosition: string;

  it('3. tracks usage manually, single and in bulk', async () => {
    const single = await client.trackUsage({
      organizationId: 'org_123',
      feature: UsageFeature.API_CALL,
      quantity: 1,
      metadata: { endpoint: '/api/invoices', method: 'POST' },
      userId: 'user_456',
    });
    expect(single).toMatchObject({ duplicate: false, countedAs: 'usage', billingPeriod: { start: expect.any(String), end: expect.any(String) } });

    const bulk = await client.trackBulkUsage('org_123', [
      { feature: UsageFeature.EMAIL_SENT, quantity: 5 },
      { feature: UsageFeature.PDF_EXPORT, quantity: 2 },
    ]);
    expect(bulk).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(BigInt(bulk.position as string)).toBeGreaterThan(BigInt(single.position as string));
    lastPosition = bulk.position as string;
  });

  it('4. checks usage and quotas', async () => {
    const usage = await client.getCurrentUsage({ organizationId: 'org_123', waitForPosition: lastPosition });
    expect(usage.freshness.includesRequestedPosition).toBe(true);
    const used = Object.fromEntries(usage.features.map((f) => [f.feature, [f.totalQuantity, f.includedQuantity, f.overageQuantity, f.overageAmount]]));
    expect(used).toMatchObject({ OCR_SCAN: [3, 100, 0, 0], API_CALL: [1, 10_000, 0, 0], EMAIL_SENT: [5, 1_000, 0, 0], PDF_EXPORT: [2, 200, 0, 0] });
    expect(usage.totalOverageAmount).toBe(0);
    expect(usage.features.find((f) => f.feature === 'OCR_SCAN')?.displayName).toBe('OCR Scans');

    const only = await client.getCurrentUsage({ organizationId: 'org_123', features: [UsageFeature.OCR_SCAN, UsageFeature.API_CALL] });
    expect(only.features.map((f) => f.feature).sort()).toEqual(['API_CALL', 'OCR_SCAN']);

    const quota = await client.checkQuota('org_123', UsageFeature.OCR_SCAN);
    expect(quota).toMatchObject({ hasQuota: true, withinIncluded: true, used: 3, included: 100, remaining: 97, enforcement: 'soft', resetPeriod: 'MONTHLY' });
  });

  it('5. reads the usage history and the cost estimate', async () => {
    const history = await client.getUsageHistory({ organizationId: 'org_123', limit: 12 });
    expect(history).toMatchObject({ organizationId: 'org_123', periods: [] });

    const estimate = await client.estimateUsageCosts('org_123');
    expect(estimate).toMatchObject({ organizationId: 'org_123', currency: 'EUR', currentAmount: 0 });
    const ocr = estimate.features.find((f) => f.feature === 'OCR_SCAN');
    expect(ocr).toMatchObject({ currentQuantity: 3, currency: 'EUR' });
    expect(ocr?.projectedQuantity).toBeGreaterThanOrEqual(3);
  });
});

describe("the seed's overage test through the SDK", () => {
  it('bills 25 scans over a free tier of 50 at 5 cents: 1.25', async () => {
    const { apiKey } = await api.createOrganization('org_test');
    const client = new UsageMeteringClient({ baseUrl: api.url, apiKey });
    await client.configureQuota({ organizationId: 'org_test', feature: UsageFeature.OCR_SCAN, includedQuantity: 50, pricePerUnit: 5 });
    const tracked = await client.trackUsage({ organizationId: 'org_test', feature: UsageFeature.OCR_SCAN, quantity: 75 });

    const usage = await client.getCurrentUsage({ organizationId: 'org_test', waitForPosition: tracked.position as string });

    expect(usage.features[0].totalQuantity).toBe(75);
    expect(usage.features[0].overageQuantity).toBe(25);
    expect(usage.features[0].overageAmount).toBe(1.25);
    expect(usage.features[0].overageAmountDecimal).toBe('1.25');
    expect(usage.totalOverageAmount).toBe(1.25);
  });
});
