// The seed's queries answered from MongoDB read models that the projector
// keeps, against the real MongoDB-wire server.
import { createReadSide, type ReadSide } from '../support/read-side-harness';

const ORG = 'org_test';

describe('usage queries on the read models', () => {
  let side: ReadSide;

  beforeEach(async () => {
    side = await createReadSide();
    await side.commands.configureOrganization({ organizationId: ORG, name: 'Test Org' });
  });

  afterEach(() => side.dispose());

  describe('getCurrentUsage', () => {
    it("passes the seed's first test: one tracked event shows as used", async () => {
      await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 1 });
      await side.catchUp();
      const usage = await side.queries.getCurrentUsage({ organizationId: ORG });
      expect(usage.features[0].totalQuantity).toBe(1);
    });

    it("passes the seed's overage test: 50 included, 75 used at 5 cents", async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 75 });
      await side.catchUp();
      const usage = await side.queries.getCurrentUsage({ organizationId: ORG });
      expect(usage.features[0].overageQuantity).toBe(25);
      expect(usage.features[0].overageAmount).toBe(1.25); // 25 * $0.05
      expect(usage).toMatchObject({
        periodStart: '2026-11-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        totalOverageAmount: 1.25,
        currency: 'EUR',
      });
      expect(usage.features[0]).toMatchObject({ displayName: 'OCR Scans', unit: 'scan', includedQuantity: 50, overageAmountDecimal: '1.25' });
    });

    it('applies the catalogue defaults to an organization without quotas', async () => {
      await side.commands.trackUsage({ organizationId: ORG, feature: 'API_CALL', quantity: 12_345 });
      await side.catchUp();
      const [apiCalls] = (await side.queries.getCurrentUsage({ organizationId: ORG })).features;
      expect(apiCalls).toMatchObject({ feature: 'API_CALL', includedQuantity: 10_000, overageQuantity: 2_345, overageAmount: 2.35 });
    });

    it('bills a gauge by its peak', async () => {
      for (const [i, gb] of [3, 9, 7].entries()) {
        await side.commands.trackUsage({ organizationId: ORG, feature: 'STORAGE_GB', quantity: gb, idempotencyKey: `gb-${i}` });
      }
      await side.catchUp();
      const [storage] = (await side.queries.getCurrentUsage({ organizationId: ORG })).features;
      expect(storage).toMatchObject({ feature: 'STORAGE_GB', aggregation: 'max', totalQuantity: 9, overageQuantity: 4, overageAmount: 0.08 });
    });

    it('sums the daily overage of a daily quota within the month', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 120, timestamp: '2026-11-10T10:00:00Z' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 90, timestamp: '2026-11-11T10:00:00Z' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 105, timestamp: '2026-11-15T10:00:00Z' });
      await side.catchUp();
      const [sms] = (await side.queries.getCurrentUsage({ organizationId: ORG })).features;
      expect(sms).toMatchObject({ resetPeriod: 'DAILY', totalQuantity: 315, overageQuantity: 25, overageAmount: 2.5 });
    });

    it('totals each currency on its own', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 0, pricePerUnit: 5, currency: 'EUR' });
      await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 0, pricePerUnit: 7, currency: 'JPY' });
      await side.commands.trackBulkUsage(ORG, [
        { feature: 'OCR_SCAN', quantity: 3 },
        { feature: 'SMS_SENT', quantity: 3 },
      ]);
      await side.catchUp();
      const usage = await side.queries.getCurrentUsage({ organizationId: ORG });
      expect(usage.totalOverageAmount).toBeNull();
      expect(usage.totals).toEqual([
        { currency: 'EUR', overageAmount: 0.15, overageAmountDecimal: '0.15' },
        { currency: 'JPY', overageAmount: 21, overageAmountDecimal: '21' },
      ]);
    });

    it('answers only the features asked for, at zero when unused', async () => {
      await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN' });
      await side.catchUp();
      const usage = await side.queries.getCurrentUsage({ organizationId: ORG, features: ['API_CALL'] });
      expect(usage.features.map((f) => [f.feature, f.totalQuantity])).toEqual([['API_CALL', 0]]);
    });

    it('answers not found for an organization that does not exist', async () => {
      await side.catchUp();
      await expect(side.queries.getCurrentUsage({ organizationId: 'org_nope' })).rejects.toMatchObject({ code: 'not_found', field: 'organizationId' });
    });

    it('answers not found for an unknown feature asked for', async () => {
      await side.catchUp();
      await expect(side.queries.getCurrentUsage({ organizationId: ORG, features: ['TELEPORT'] })).rejects.toMatchObject({ code: 'not_found', field: 'features[0]' });
    });
  });

  describe('checkQuota', () => {
    it('tells how much of the free tier is left, and how fresh that is', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 20 });
      await side.catchUp();
      const quota = await side.queries.checkQuota(ORG, 'OCR_SCAN');
      expect(quota).toMatchObject({ hasQuota: true, withinIncluded: true, used: 20, included: 50, remaining: 30, enforcement: 'soft' });
      expect(quota.freshness.position).toMatch(/^\d+$/);
      expect(quota.freshness.ageMs).toBe(0);
    });

    it('keeps a soft quota usable past the free tier (the overage is billed)', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 5, pricePerUnit: 5 });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 8 });
      await side.catchUp();
      expect(await side.queries.checkQuota(ORG, 'OCR_SCAN')).toMatchObject({ hasQuota: true, withinIncluded: false, remaining: 0 });
    });

    it('blocks when a hard quota is used up', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'AI_CLASSIFICATION', includedQuantity: 5, pricePerUnit: 1, enforcement: 'hard' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'AI_CLASSIFICATION', quantity: 5 });
      await side.catchUp();
      expect(await side.queries.checkQuota(ORG, 'AI_CLASSIFICATION')).toMatchObject({ hasQuota: false, used: 5, remaining: 0, enforcement: 'hard' });
    });

    it("checks a daily quota against today's window only", async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'SMS_SENT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'DAILY' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 100, timestamp: '2026-11-14T10:00:00Z' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'SMS_SENT', quantity: 30, timestamp: '2026-11-15T10:00:00Z' });
      await side.catchUp();
      expect(await side.queries.checkQuota(ORG, 'SMS_SENT')).toMatchObject({
        used: 30,
        remaining: 70,
        windowStart: '2026-11-15T00:00:00.000Z',
        windowEnd: '2026-11-16T00:00:00.000Z',
      });
    });

    it('adds up a quarterly window from every billing period it spans', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'CUSTOM_REPORT', includedQuantity: 100, pricePerUnit: 10, resetPeriod: 'QUARTERLY' });
      side.clock.set('2026-10-10T10:00:00Z');
      await side.commands.trackUsage({ organizationId: ORG, feature: 'CUSTOM_REPORT', quantity: 60 });
      side.clock.set('2026-11-15T12:00:00Z');
      await side.commands.trackUsage({ organizationId: ORG, feature: 'CUSTOM_REPORT', quantity: 25 });
      await side.catchUp();
      expect(await side.queries.checkQuota(ORG, 'CUSTOM_REPORT')).toMatchObject({
        used: 85,
        remaining: 15,
        windowStart: '2026-10-01T00:00:00.000Z',
        windowEnd: '2027-01-01T00:00:00.000Z',
      });
    });

    it('includes a write acknowledged just before it, with no projector and no wait (read your writes)', async () => {
      const write = await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 3 });
      const quota = await side.queries.checkQuota(ORG, 'OCR_SCAN');
      expect(quota.used).toBe(3);
      expect(quota.freshness.includesRequestedPosition).toBe(true);
      expect(BigInt(quota.freshness.position ?? '0')).toBeGreaterThanOrEqual(BigInt(write.position ?? '1'));
    });
  });

  describe('getUsageHistory', () => {
    it('lists closed periods, newest first, limited', async () => {
      for (const month of ['08', '09', '10']) {
        await side.store.appendToStream(`organization-${ORG}`, [
          {
            type: 'BillingPeriodClosed',
            data: {
              organizationId: ORG,
              billingPeriod: { start: `2026-${month}-01T00:00:00.000Z`, end: `2026-${String(Number(month) + 1).padStart(2, '0')}-01T00:00:00.000Z` },
              closedAt: `2026-${String(Number(month) + 1).padStart(2, '0')}-01T01:00:00.000Z`,
              features: [{ feature: 'OCR_SCAN', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: '1.25', currency: 'EUR', events: 3, corrections: 0 }],
            },
            metadata: { schemaVersion: 1 },
          },
        ]);
      }
      await side.catchUp();
      const history = await side.queries.getUsageHistory({ organizationId: ORG, limit: 2 });
      expect(history.periods.map((p) => p.periodStart)).toEqual(['2026-10-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z']);
      expect(history.periods[0]).toMatchObject({ totalOverageAmount: 1.25, features: [{ feature: 'OCR_SCAN', overageAmount: 1.25, overageAmountDecimal: '1.25' }] });
    });

    it('rejects a limit outside 1 to 120', async () => {
      await expect(side.queries.getUsageHistory({ organizationId: ORG, limit: 0 })).rejects.toMatchObject({ code: 'validation', field: 'limit' });
    });
  });

  describe('estimateUsageCosts', () => {
    it('projects the run-rate of the last days to the end of the period', async () => {
      await side.commands.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 100, pricePerUnit: 5 });
      // 20 scans a day on each of the 7 days up to the 15th noon: the trailing 6.5 days hold 140 − 10 … keep it exact:
      for (let day = 9; day <= 15; day++) {
        await side.commands.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity: 13, timestamp: `2026-11-${String(day).padStart(2, '0')}T08:00:00Z` });
      }
      await side.catchUp();
      const estimate = await side.queries.estimateUsageCosts(ORG);
      const [ocr] = estimate.features;
      // 91 scans over the 6.5 days from the 9th 00:00 to the 15th 12:00 → 14 a day; 15.5 days left → 217 more.
      expect(ocr).toMatchObject({ feature: 'OCR_SCAN', currentQuantity: 91, dailyRate: 14, projectedQuantity: 308 });
      // 308 − 100 free = 208 × 5 cents.
      expect(ocr.estimatedAmount).toBe(10.4);
      expect(estimate).toMatchObject({ estimatedAmount: 10.4, currentAmount: 0, currency: 'EUR' });
    });

    it('projects every remaining window of a daily quota, also those without usage yet', async () => {
      side.clock.set('2026-11-03T12:00:00Z');
      await side.commands.configureQuota({ organizationId: ORG, feature: 'PDF_EXPORT', includedQuantity: 0, pricePerUnit: 1, resetPeriod: 'DAILY' });
      await side.commands.trackUsage({ organizationId: ORG, feature: 'PDF_EXPORT', quantity: 70, timestamp: '2026-11-02T15:00:00Z' });
      await side.catchUp();
      const estimate = await side.queries.estimateUsageCosts(ORG);
      const pdf = estimate.features.find((feature) => feature.feature === 'PDF_EXPORT');
      // 70 exports in the 2.5 days since the period began: 28 a day. Nothing today yet, yet the rest of today
      // (half a day: 14) and each of the 27 days left (28 each, none of it free) are projected: 70 + 14 + 756.
      expect(pdf).toMatchObject({ currentQuantity: 70, dailyRate: 28, projectedQuantity: 840, estimatedAmount: 8.4 });
      expect(estimate).toMatchObject({ currentAmount: 0.7, estimatedAmount: 8.4 });
    });

    it('keeps a gauge at its current level', async () => {
      await side.commands.trackUsage({ organizationId: ORG, feature: 'STORAGE_GB', quantity: 12 });
      await side.catchUp();
      const [storage] = (await side.queries.estimateUsageCosts(ORG)).features;
      expect(storage).toMatchObject({ projectedQuantity: 12, dailyRate: null, estimatedAmount: 0.14 });
    });
  });
});
