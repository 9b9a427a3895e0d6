// How the period workflow behaves when Stripe fails: outages and rate limits
// are retried with backoff and the usage reaches Stripe once per identifier;
// a refusal (400) is not retried, is recorded, and shows in the status until
// an operator runs retry-failed.
import type { Worker } from '@temporalio/worker';
import { billingPeriodAt } from '../../src/domain/periods';
import { toIntervalRecord } from '../../src/domain/periods';
import { createBillingHarness, DAY, eventually, HOUR, type BillingHarness } from './support/billing-harness';

const ORG = 'org_failures';

describe('Stripe failures in the period workflow', () => {
  let harness: BillingHarness;
  let worker: Worker;
  let running: Promise<void>;
  let start: number;
  let periodStart: string;

  beforeAll(async () => {
    harness = await createBillingHarness({ aggregationIntervalMs: HOUR, reportIntervalMs: DAY });
    worker = await harness.newWorker();
    running = worker.run();
    const today = await harness.serverNow();
    const noon = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 12);
    const settings = { timeZone: 'UTC', billingAnchorDay: new Date(noon).getUTCDate() };
    const period = billingPeriodAt(new Date(noon), settings);
    start = period.start.getTime();
    periodStart = period.start.toISOString();
    await harness.advanceTo(noon);
    await harness.at(noon, async () => {
      await harness.usage.configureOrganization({ organizationId: ORG, ...settings, stripeCustomerId: 'cus_failures', stripeBillingMode: 'meter' });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
    });
    await harness.workflows.ensurePeriodWorkflow(ORG, toIntervalRecord(period));
  }, 60_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await harness?.dispose();
  });

  const scans = (day: number, quantity: number) => {
    const at = start + day * DAY + 14 * HOUR;
    return harness.at(at, () => harness.usage.trackUsage({ organizationId: ORG, feature: 'OCR_SCAN', quantity, idempotencyKey: `scan-${day}` }));
  };
  /** Skips to an hour after day `day`'s noon report, so retries with backoff have run. */
  const pastReportOfDay = (day: number) => harness.advanceTo(start + day * DAY + 13 * HOUR);
  const reportCalls = () => harness.stripe.callsTo('reportUsage').map((call) => ({ identifier: `${call.input.feature}:${call.input.reportSequence}`, quantity: call.input.quantity, outcome: call.outcome }));

  it('retries a 500 and then a 429, and Stripe counts the report once', async () => {
    await harness.advanceTo(start + 14 * HOUR);
    await scans(0, 30);
    harness.stripe.scriptFor('reportUsage', 500, 429);
    await pastReportOfDay(1);
    await eventually(() => expect(reportCalls()).toHaveLength(3));
    expect(reportCalls()).toEqual([
      { identifier: 'OCR_SCAN:1', quantity: 30, outcome: 'threw' },
      { identifier: 'OCR_SCAN:1', quantity: 30, outcome: 'threw' },
      { identifier: 'OCR_SCAN:1', quantity: 30, outcome: 'returned' },
    ]);
    expect(harness.stripe.countedMeterEvents.map((event) => [event.identifier, event.report.quantity])).toEqual([[`tally:${ORG}:OCR_SCAN:${periodStart}:1`, 30]]);
    const recorded = (await harness.events(ORG)).filter((event) => event.type === 'UsageReportedToStripe');
    expect(recorded).toHaveLength(1);
    expect((await harness.workflows.status(ORG))?.failures).toEqual([]);
  }, 120_000);

  it('does not count twice a report Stripe processed but whose answer was lost', async () => {
    await scans(1, 12);
    harness.stripe.scriptFor('reportUsage', { fail: 'connection', applied: true });
    await pastReportOfDay(2);
    await eventually(() => expect(reportCalls()).toHaveLength(5));
    expect(reportCalls().slice(3)).toEqual([
      { identifier: 'OCR_SCAN:2', quantity: 12, outcome: 'threw' },
      { identifier: 'OCR_SCAN:2', quantity: 12, outcome: 'returned' },
    ]);
    expect(harness.stripe.reportedQuantity(ORG, 'OCR_SCAN', periodStart)).toBe(42);
    const identifiers = harness.stripe.countedMeterEvents.map((event) => event.identifier);
    expect(new Set(identifiers).size).toBe(identifiers.length);
    expect((await harness.events(ORG)).filter((event) => event.type === 'UsageReportedToStripe')).toHaveLength(2);
  }, 120_000);

  it('stops at a 400, records it and shows it in the status, until retry-failed', async () => {
    await scans(2, 8);
    harness.stripe.scriptFor('reportUsage', 400);
    await pastReportOfDay(3);
    await eventually(async () => expect((await harness.workflows.status(ORG))?.failures).toHaveLength(1));
    // The next day's report does not retry what Stripe refused.
    await pastReportOfDay(4);
    expect(reportCalls().slice(5)).toEqual([{ identifier: 'OCR_SCAN:3', quantity: 8, outcome: 'threw' }]);
    const status = await harness.workflows.status(ORG);
    expect(status?.failures).toEqual([{ feature: 'OCR_SCAN', error: expect.stringMatching(/HTTP 400/), retryable: false, at: expect.any(String) }]);
    const failed = (await harness.events(ORG)).filter((event) => event.type === 'StripeReportFailed');
    expect(failed.map((event) => event.data)).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', reportSequence: 3, identifier: `tally:${ORG}:OCR_SCAN:${periodStart}:3`, retryable: false })]);

    await harness.workflows.runJob('retry-failed', ORG);
    await eventually(async () => expect((await harness.workflows.status(ORG))?.failures).toEqual([]));
    expect(reportCalls().slice(6)).toEqual([{ identifier: 'OCR_SCAN:3', quantity: 8, outcome: 'returned' }]);
    expect(harness.stripe.reportedQuantity(ORG, 'OCR_SCAN', periodStart)).toBe(50);
  }, 120_000);
});
