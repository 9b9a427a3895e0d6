// The billing-period activities on their own: an embedded SQLite event store in
// memory, a clock the test sets, and the recording Stripe fake.
import { ApplicationFailure } from '@temporalio/common';
import { decodeEvent } from '../../src/application/event-log/organization-event-codec';
import { StripeGatewayError } from '../../src/application/ports/stripe-gateway';
import { UsageCommands } from '../../src/application/usage/usage-commands';
import { organizationStreamId, type OrganizationEvent } from '../../src/domain/events';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite-event-store';
import { createBillingActivities, type BillingActivities } from '../../src/workflows/activities/billing-activities';
import { STRIPE_REQUEST_REJECTED } from '../../src/workflows/billing-period-types';
import { FixedClock, SequentialIds } from '../support/fixed-clock';
import { RecordingStripeGateway } from '../support/recording-stripe-gateway';
import { composeWriteSide } from '../../src/composition/write-side';

const ORG = 'org_activities';
const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const december = { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
const period = { organizationId: ORG, billingPeriod: november };

describe('billing activities', () => {
  let store: SqliteEventStore;
  let clock: FixedClock;
  let usage: UsageCommands;
  let stripe: RecordingStripeGateway;
  let activities: BillingActivities;

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    clock = new FixedClock(new Date('2026-11-10T12:00:00Z'));
    const writeSide = composeWriteSide({ eventStore: store, clock, ids: new SequentialIds() });
    usage = writeSide.commands;
    stripe = new RecordingStripeGateway();
    activities = createBillingActivities({ commands: writeSide.handler, stripe, clock });
    await usage.configureOrganization({ organizationId: ORG, stripeCustomerId: 'cus_unit', gracePeriodMinutes: 60 });
    await usage.configureQuota({ organizationId: ORG, feature: 'OCR_SCAN', includedQuantity: 50, pricePerUnit: 5 });
    await usage.configureQuota({ organizationId: ORG, feature: 'STORAGE_GB', includedQuantity: 5, pricePerUnit: 2 });
  });

  afterEach(async () => {
    await store.close();
  });

  const track = (feature: string, quantity: number, key: string) => usage.trackUsage({ organizationId: ORG, feature, quantity, idempotencyKey: key });
  const events = async (type: OrganizationEvent['type']) =>
    (await store.readStream(organizationStreamId(ORG))).map(decodeEvent).filter((event): event is OrganizationEvent => event?.type === type);
  const report = (totals: [string, number][], final = false) =>
    activities.reportUsageToStripe({ ...period, totals: totals.map(([feature, totalQuantity]) => ({ feature, totalQuantity })), final });

  describe('planning a period', () => {
    it('gives the period, its close after the grace period, and how Stripe bills it', async () => {
      expect(await activities.planBillingPeriod(period)).toEqual({ billingPeriod: november, closesAt: '2026-12-01T01:00:00.000Z', stripeBilling: 'meter' });
    });

    it('says when the organization is not billed through Stripe', async () => {
      await usage.configureOrganization({ organizationId: ORG, stripeCustomerId: null });
      expect((await activities.planBillingPeriod(period)).stripeBilling).toBe('none');
    });

    it('moves past a period that has closed', async () => {
      clock.set('2026-12-01T01:00:00Z');
      await activities.closeBillingPeriod({ ...period, early: false });
      expect((await activities.planBillingPeriod(period)).billingPeriod).toEqual(december);
    });
  });

  describe('recording the running totals', () => {
    it('records UsageAggregated and returns the totals', async () => {
      await track('OCR_SCAN', 30, 'a');
      const result = await activities.aggregateUsage(period);
      expect(result).toEqual({
        plan: { billingPeriod: november, closesAt: '2026-12-01T01:00:00.000Z', stripeBilling: 'meter' },
        asOf: '2026-11-10T12:00:00.000Z',
        totals: [
          { feature: 'OCR_SCAN', totalQuantity: 30 },
          { feature: 'STORAGE_GB', totalQuantity: 0 },
        ],
      });
      expect(await events('UsageAggregated')).toHaveLength(1);
    });
  });

  describe('reporting to Stripe', () => {
    it('sends the delta since the last recorded report under the next sequence, and records it', async () => {
      const first = await report([['OCR_SCAN', 30]]);
      const second = await report([['OCR_SCAN', 42]]);
      expect([...first.reports, ...second.reports].map((r) => [r.reportSequence, r.deltaQuantity, r.cumulativeQuantity, r.identifier])).toEqual([
        [1, 30, 30, `tally:${ORG}:OCR_SCAN:${november.start}:1`],
        [2, 12, 42, `tally:${ORG}:OCR_SCAN:${november.start}:2`],
      ]);
      expect((await events('UsageReportedToStripe')).map((event) => event.type === 'UsageReportedToStripe' && event.data.cumulativeQuantity)).toEqual([30, 42]);
    });

    it('sends nothing when nothing was added', async () => {
      await report([['OCR_SCAN', 30]]);
      expect((await report([['OCR_SCAN', 30]])).reports).toEqual([]);
      expect(stripe.callsTo('reportUsage')).toHaveLength(1);
    });

    it("reports a 'max' feature only at the close, once", async () => {
      expect((await report([['STORAGE_GB', 8]])).reports).toEqual([]);
      expect((await report([['STORAGE_GB', 8]], true)).reports.map((r) => [r.feature, r.deltaQuantity])).toEqual([['STORAGE_GB', 8]]);
    });

    it("dates a report made in the grace period to the period's last second", async () => {
      clock.set('2026-12-01T00:30:00Z');
      await report([['OCR_SCAN', 30]], true);
      expect(stripe.callsTo('reportUsage')[0].input.timestamp).toEqual(new Date('2026-11-30T23:59:59.000Z'));
    });

    it('repeats a report whose answer was lost as the same meter event, which Stripe counts once', async () => {
      stripe.scriptFor('reportUsage', { fail: 'connection', applied: true });
      await expect(report([['OCR_SCAN', 30]])).rejects.toMatchObject({ retryable: true });
      expect(await events('UsageReportedToStripe')).toEqual([]);
      const retried = await report([['OCR_SCAN', 30]]);
      expect(retried.reports).toEqual([expect.objectContaining({ reportSequence: 1, alreadyReported: true })]);
      expect(stripe.countedMeterEvents).toHaveLength(1);
      expect(await events('UsageReportedToStripe')).toHaveLength(1);
    });

    it('reports the other features, then fails so the outage is retried', async () => {
      stripe.scriptFor('reportUsage', 500);
      await expect(report([['OCR_SCAN', 30], ['STORAGE_GB', 8]], true)).rejects.toBeInstanceOf(StripeGatewayError);
      expect((await events('UsageReportedToStripe')).map((event) => event.type === 'UsageReportedToStripe' && event.data.feature)).toEqual(['STORAGE_GB']);
      expect((await report([['OCR_SCAN', 30], ['STORAGE_GB', 8]], true)).reports.map((r) => r.feature)).toEqual(['OCR_SCAN']);
    });

    it('records a refusal as StripeReportFailed and ends without a retry', async () => {
      stripe.scriptFor('reportUsage', 400);
      const failure = await report([['OCR_SCAN', 30]]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: STRIPE_REQUEST_REJECTED, nonRetryable: true, details: [[{ feature: 'OCR_SCAN', retryable: false, error: expect.stringMatching(/HTTP 400/), at: '2026-11-10T12:00:00.000Z' }]] });
      expect((await events('StripeReportFailed')).map((event) => event.data)).toEqual([
        expect.objectContaining({ feature: 'OCR_SCAN', reportSequence: 1, identifier: `tally:${ORG}:OCR_SCAN:${november.start}:1`, retryable: false }),
      ]);
    });

    it('refuses, at the close, to take back usage Stripe was already told', async () => {
      await report([['OCR_SCAN', 30]]);
      await expect(report([['OCR_SCAN', 25]], true)).rejects.toMatchObject({ type: STRIPE_REQUEST_REJECTED, message: expect.stringMatching(/issue a credit/) });
    });

    it('sends nothing for an organization without a Stripe customer', async () => {
      await usage.configureOrganization({ organizationId: ORG, stripeCustomerId: null });
      expect(await report([['OCR_SCAN', 30]])).toMatchObject({ skipped: 'no-stripe-customer', reports: [] });
      expect(stripe.calls).toEqual([]);
    });
  });

  describe('closing the period', () => {
    it('waits for the grace period, with a retry due when it ends', async () => {
      clock.set('2026-12-01T00:59:00Z');
      await expect(activities.closeBillingPeriod({ ...period, early: false })).rejects.toMatchObject({ type: 'GracePeriodNotOver', nextRetryDelay: 61_000 });
    });

    it('records BillingPeriodClosed and returns its summary and the next period; a retry returns the same', async () => {
      await track('OCR_SCAN', 75, 'a');
      await track('STORAGE_GB', 8, 'b');
      clock.set('2026-12-01T01:00:00Z');
      const closed = await activities.closeBillingPeriod({ ...period, early: false });
      expect(closed).toEqual({
        closedAt: '2026-12-01T01:00:00.000Z',
        features: [
          { feature: 'OCR_SCAN', totalQuantity: 75, includedQuantity: 50, overageQuantity: 25, overageAmount: '1.25', currency: 'EUR', events: 1, corrections: 0 },
          { feature: 'STORAGE_GB', totalQuantity: 8, includedQuantity: 5, overageQuantity: 3, overageAmount: '0.06', currency: 'EUR', events: 1, corrections: 0 },
        ],
        nextBillingPeriod: december,
        stripeBilling: 'meter',
      });
      clock.set('2026-12-01T01:00:05Z');
      expect((await activities.closeBillingPeriod({ ...period, early: false })).features).toEqual(closed.features);
      expect(await events('BillingPeriodClosed')).toHaveLength(1);
    });

    it('closes early when an operator asks', async () => {
      await activities.closeBillingPeriod({ ...period, early: true });
      expect((await events('BillingPeriodClosed')).map((event) => event.type === 'BillingPeriodClosed' && event.data.closedAt)).toEqual(['2026-11-10T12:00:00.000Z']);
    });
  });

  describe('invoicing a closed period', () => {
    const summary = (feature: string, overageQuantity: number, overageAmount: string) => ({
      feature,
      totalQuantity: 0,
      includedQuantity: 0,
      overageQuantity,
      overageAmount,
      currency: 'EUR',
      events: 0,
      corrections: 0,
    });
    const invoice = () => activities.createInvoiceItems({ ...period, features: [summary('OCR_SCAN', 25, '1.25'), summary('STORAGE_GB', 0, '0.00')] });

    beforeEach(async () => {
      await usage.configureOrganization({ organizationId: ORG, stripeBillingMode: 'invoice' });
    });

    it('creates one invoice item per feature with an overage amount, and records it; a repeat creates none', async () => {
      expect((await invoice()).invoiceItems).toEqual([{ feature: 'OCR_SCAN', invoiceItemId: expect.stringMatching(/^ii_/), amount: '1.25', currency: 'EUR' }]);
      expect((await invoice()).invoiceItems).toEqual([]);
      expect(stripe.invoiceItems.map((item) => [item.idempotencyKey, item.amountMinor])).toEqual([[`tally-invoice:${ORG}:OCR_SCAN:${november.start}`, 125]]);
      expect(await events('InvoiceItemCreated')).toHaveLength(1);
    });

    it('records a refusal and ends without a retry', async () => {
      stripe.scriptFor('createInvoiceItem', 400);
      await expect(invoice()).rejects.toMatchObject({ type: STRIPE_REQUEST_REJECTED, nonRetryable: true });
      expect((await events('StripeReportFailed')).map((event) => event.data)).toEqual([expect.objectContaining({ feature: 'OCR_SCAN', identifier: `tally-invoice:${ORG}:OCR_SCAN:${november.start}` })]);
    });

    it('creates none for an organization billed through meters', async () => {
      await usage.configureOrganization({ organizationId: ORG, stripeBillingMode: 'meter' });
      expect(await invoice()).toEqual({ skipped: 'meter-mode', invoiceItems: [] });
    });
  });
});
