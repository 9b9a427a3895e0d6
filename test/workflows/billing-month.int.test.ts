// A whole billing month of one organization on the time-skipping server:
// hourly running totals, daily Stripe reports of the delta, usage in the last
// minute and in the grace period, the close, and a late event that becomes a
// correction in the next period and is reported there.
import type { Worker } from '@temporalio/worker';
import type { OrganizationEvent } from '../../src/domain/events';
import { billingPeriodAt, nextBillingPeriod } from '../../src/domain/periods';
import { toIntervalRecord } from '../../src/domain/periods';
import { createBillingHarness, DAY, eventually, HOUR, type BillingHarness } from './support/billing-harness';

const ORG = 'org_month';
const MINUTE = 60_000;

describe('a billing month on the time-skipping server', () => {
  let harness: BillingHarness;
  let worker: Worker;

  beforeAll(async () => {
    harness = await createBillingHarness({ aggregationIntervalMs: HOUR, reportIntervalMs: DAY });
    worker = await harness.newWorker();
  }, 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  it('aggregates hourly, reports daily deltas, closes with the exact summary, and moves late usage to the next period', async () => {
    // The period starts at tomorrow's midnight (UTC), and the workflow at noon, so the daily reports fall at noon.
    const today = await harness.serverNow();
    const noon = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 12);
    const settings = { timeZone: 'UTC', billingAnchorDay: new Date(noon).getUTCDate() };
    const period = billingPeriodAt(new Date(noon), settings);
    const next = toIntervalRecord(nextBillingPeriod(period, settings));
    const start = period.start.getTime();
    const end = period.end.getTime();
    const closesAt = end + HOUR;

    await harness.advanceTo(noon);
    await harness.at(noon, async () => {
      await harness.usage.configureOrganization({ organizationId: ORG, ...settings, gracePeriodMinutes: 60, stripeCustomerId: 'cus_month', stripeBillingMode: 'meter' });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'STORAGE_GB', includedQuantity: 5, pricePerUnit: 2 });
    });
    const track = (recordedAt: number, feature: string, quantity: number, happenedAt = recordedAt) =>
      harness.at(recordedAt, () => harness.usage.trackUsage({ organizationId: ORG, feature, quantity, timestamp: new Date(happenedAt).toISOString(), idempotencyKey: `${feature}-${recordedAt}` }));
    const trackAt = async (instant: number, usage: [string, number][]) => {
      await harness.advanceTo(instant);
      for (const [feature, quantity] of usage) await track(instant, feature, quantity);
    };

    await worker.runUntil(async () => {
      await harness.workflows.ensurePeriodWorkflow(ORG, toIntervalRecord(period));
      await trackAt(start + 14 * HOUR, [['OCR_SCAN', 30], ['STORAGE_GB', 3]]);
      await trackAt(start + DAY + 15 * HOUR, [['OCR_SCAN', 15]]);
      await trackAt(start + 10 * DAY + 17 * HOUR, [['OCR_SCAN', 20], ['STORAGE_GB', 8]]);
      await trackAt(start + 20 * DAY + 17 * HOUR, [['STORAGE_GB', 6]]);
      await trackAt(end - 30_000, [['OCR_SCAN', 4]]);
      // Arrives in the grace period, happened two minutes before the end: counts in the period.
      await harness.advanceTo(end + 10 * MINUTE);
      expect(await track(end + 10 * MINUTE, 'OCR_SCAN', 6, end - 2 * MINUTE)).toMatchObject({ countedAs: 'usage', billingPeriod: toIntervalRecord(period) });

      await harness.advanceTo(closesAt + 10 * MINUTE);
      await eventually(async () => expect((await harness.workflows.status(ORG))?.billingPeriod).toEqual(next));
      // Arrives after the close, happened in the closed period: a correction in the next one.
      await harness.advanceTo(end + 3 * HOUR);
      expect(await track(end + 3 * HOUR, 'OCR_SCAN', 7, end - 3 * HOUR)).toMatchObject({ countedAs: 'correction', billingPeriod: next });
      // The next period's first daily report.
      await harness.advanceTo(closesAt + DAY + 2 * HOUR);
      await eventually(() => expect(harness.stripe.callsTo('reportUsage')).toHaveLength(6));
    });

    const reports = harness.stripe.calls.map((call) => {
      if (call.method !== 'reportUsage') return call.method;
      const { feature, reportSequence, quantity, billingPeriod, stripeCustomerId } = call.input;
      return { outcome: call.outcome, feature, reportSequence, quantity, periodStart: billingPeriod.start, stripeCustomerId };
    });
    const inPeriod = { outcome: 'returned', periodStart: period.start.toISOString(), stripeCustomerId: 'cus_month' };
    expect(reports).toEqual([
      { ...inPeriod, feature: 'OCR_SCAN', reportSequence: 1, quantity: 30 },
      { ...inPeriod, feature: 'OCR_SCAN', reportSequence: 2, quantity: 15 },
      { ...inPeriod, feature: 'OCR_SCAN', reportSequence: 3, quantity: 20 },
      // At the close: the last minute and the grace period, and the storage peak, reported once.
      { ...inPeriod, feature: 'OCR_SCAN', reportSequence: 4, quantity: 10 },
      { ...inPeriod, feature: 'STORAGE_GB', reportSequence: 1, quantity: 8 },
      { ...inPeriod, periodStart: next.start, feature: 'OCR_SCAN', reportSequence: 1, quantity: 7 },
    ]);
    const finalReports = harness.stripe.callsTo('reportUsage').slice(3, 5);
    for (const call of finalReports) expect(call.input.timestamp.getTime()).toBe(end - 1_000);
    expect(harness.stripe.countedMeterEvents.map((event) => event.identifier)).toEqual([
      `tally:${ORG}:OCR_SCAN:${period.start.toISOString()}:1`,
      `tally:${ORG}:OCR_SCAN:${period.start.toISOString()}:2`,
      `tally:${ORG}:OCR_SCAN:${period.start.toISOString()}:3`,
      `tally:${ORG}:OCR_SCAN:${period.start.toISOString()}:4`,
      `tally:${ORG}:STORAGE_GB:${period.start.toISOString()}:1`,
      `tally:${ORG}:OCR_SCAN:${next.start}:1`,
    ]);

    const events = await harness.events(ORG);
    const closes = events.filter((event): event is Extract<OrganizationEvent, { type: 'BillingPeriodClosed' }> => event.type === 'BillingPeriodClosed');
    expect(closes).toHaveLength(1);
    expect(closes[0].data.billingPeriod).toEqual(toIntervalRecord(period));
    expect(Date.parse(closes[0].data.closedAt)).toBeGreaterThanOrEqual(closesAt);
    expect(Date.parse(closes[0].data.closedAt)).toBeLessThan(closesAt + MINUTE);
    expect(closes[0].data.features).toEqual([
      { feature: 'OCR_SCAN', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: '1.25', currency: 'EUR', events: 5, corrections: 0 },
      { feature: 'STORAGE_GB', totalQuantity: 8, includedQuantity: 5, overageQuantity: 3, overageAmount: '0.06', currency: 'EUR', events: 3, corrections: 0 },
    ]);
    expect(events.filter((event) => event.type === 'UsageReportedToStripe').map((event) => event.type === 'UsageReportedToStripe' && [event.data.feature, event.data.cumulativeQuantity])).toEqual([
      ['OCR_SCAN', 30],
      ['OCR_SCAN', 45],
      ['OCR_SCAN', 65],
      ['OCR_SCAN', 75],
      ['STORAGE_GB', 8],
      ['OCR_SCAN', 7],
    ]);
    const correction = events.find((event) => event.type === 'UsageCorrected');
    expect(correction?.data).toMatchObject({ reason: 'late', billingPeriod: next, originalBillingPeriod: toIntervalRecord(period) });
    // Running totals were recorded every hour of the period (and a last time at the close).
    const aggregations = events.filter((event) => event.type === 'UsageAggregated' && event.data.billingPeriod.start === period.start.toISOString());
    expect(aggregations.length).toBeGreaterThanOrEqual(Math.floor((closesAt - noon) / HOUR));
  }, 300_000);
});
