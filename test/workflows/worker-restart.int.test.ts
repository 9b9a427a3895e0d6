// The worker process stops in the middle of a period and another one starts,
// with a fresh command handler and no workflow cache: the workflow picks up
// from its history, and the period closes once, with the right totals, having
// told Stripe each report once.
import { billingPeriodAt, nextBillingPeriod } from '../../src/domain/periods';
import { toIntervalRecord } from '../../src/domain/periods';
import { createBillingHarness, DAY, eventually, HOUR, type BillingHarness } from './support/billing-harness';

const ORG = 'org_restart';

describe('a worker restarted mid-period', () => {
  let harness: BillingHarness;

  beforeAll(async () => {
    // Every workflow task replays the whole history here (no cache, below), so running totals
    // twice a day keep the month quick; the rhythm does not change what is billed.
    harness = await createBillingHarness({ aggregationIntervalMs: 12 * HOUR, reportIntervalMs: DAY });
  }, 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  it('closes the period once with the right totals', async () => {
    const today = await harness.serverNow();
    const noon = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 12);
    const settings = { timeZone: 'UTC', billingAnchorDay: new Date(noon).getUTCDate() };
    const period = billingPeriodAt(new Date(noon), settings);
    const start = period.start.getTime();
    const closesAt = period.end.getTime() + HOUR;
    await harness.advanceTo(noon);
    await harness.at(noon, async () => {
      await harness.usage.configureOrganization({ organizationId: ORG, ...settings, stripeCustomerId: 'cus_restart', stripeBillingMode: 'meter' });
      await harness.usage.configureQuota({ organizationId: ORG, feature: 'API_CALL', includedQuantity: 1_000, pricePerUnit: '0.1' });
    });
    const calls = (day: number, quantity: number) =>
      harness.at(start + day * DAY + 15 * HOUR, () => harness.usage.trackUsage({ organizationId: ORG, feature: 'API_CALL', quantity, idempotencyKey: `calls-${day}` }));

    // No workflow cache, so no sticky queue: the test server would hand the next task to the
    // stopped worker's sticky queue and, its clock standing still, wait for it forever. It also
    // makes every workflow task a full replay of the history.
    const first = await harness.newWorker({ maxCachedWorkflows: 0 });
    await first.runUntil(async () => {
      await harness.workflows.ensurePeriodWorkflow(ORG, toIntervalRecord(period));
      await harness.advanceTo(start + 15 * HOUR);
      await calls(0, 700);
      await harness.advanceTo(start + 5 * DAY + 16 * HOUR);
      await calls(5, 400);
      await eventually(async () => expect((await harness.workflows.status(ORG))?.lastReportAt).not.toBeNull());
    });
    expect(harness.stripe.countedMeterEvents).toHaveLength(1);

    // While no worker runs, usage keeps arriving through the API. (The time-skipping server
    // does not move its clock while a workflow task waits for a worker, so time stands still here.)
    await harness.at(start + 5 * DAY + 17 * HOUR, () => harness.usage.trackUsage({ organizationId: ORG, feature: 'API_CALL', quantity: 250, idempotencyKey: 'calls-while-stopped' }));

    const second = await harness.newWorker({ maxCachedWorkflows: 0 });
    await second.runUntil(async () => {
      await harness.advanceTo(start + 12 * DAY + 15 * HOUR);
      await calls(12, 900);
      await harness.advanceTo(closesAt + 10 * 60_000);
      await eventually(async () => expect((await harness.workflows.status(ORG))?.billingPeriod).toEqual(toIntervalRecord(nextBillingPeriod(period, settings))));
    });

    const events = await harness.events(ORG);
    const closes = events.filter((event) => event.type === 'BillingPeriodClosed');
    expect(closes.map((event) => event.data.features)).toEqual([
      [{ feature: 'API_CALL', totalQuantity: 2_250, includedQuantity: 1_000, overageQuantity: 1_250, overageAmount: '1.25', currency: 'EUR', events: 4, corrections: 0 }],
    ]);
    // Day 1 reported 700, day 6 the 400 and 250, day 13 the 900; the close found nothing left.
    expect(harness.stripe.countedMeterEvents.map((event) => [event.report.reportSequence, event.report.quantity])).toEqual([
      [1, 700],
      [2, 650],
      [3, 900],
    ]);
    expect(harness.stripe.callsTo('reportUsage').every((call) => call.outcome === 'returned')).toBe(true);
    expect(harness.stripe.reportedQuantity(ORG, 'API_CALL', period.start.toISOString())).toBe(2_250);
  }, 180_000);
});
