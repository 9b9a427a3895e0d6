// The recording fake answers as Stripe does — repeats are recognised, not counted
// again — and fails exactly when and how a test tells it to.
import {
  InvalidStripeRequestError,
  StripeGatewayError,
  type InvoiceItemRequest,
  type UsageReport,
} from '../../src/application/ports/stripe-gateway';
import { invoiceItemIdempotencyKey, meterEventIdentifier } from '../../src/application/billing/stripe-identifiers';
import { RecordingStripeGateway, stripeFailure } from '../support/recording-stripe-gateway';

const january = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };
const report: UsageReport = {
  organizationId: 'org_123',
  stripeCustomerId: 'cus_123',
  feature: 'OCR_SCAN',
  billingPeriod: january,
  reportSequence: 0,
  quantity: 7,
  timestamp: new Date('2026-01-20T00:00:00Z'),
};
const invoiceItem: InvoiceItemRequest = {
  organizationId: 'org_123',
  stripeCustomerId: 'cus_123',
  feature: 'SMS_SENT',
  description: 'SMS Messages, January 2026',
  billingPeriod: january,
  amount: '1.25',
  currency: 'EUR',
  quantity: 25,
};

describe('RecordingStripeGateway', () => {
  describe('when the same meter event is sent twice', () => {
    it('counts it once and says the second was already reported', async () => {
      const stripe = new RecordingStripeGateway();

      const first = await stripe.reportUsage(report);
      const second = await stripe.reportUsage(report);

      expect(first).toEqual({ identifier: meterEventIdentifier(report), eventName: 'tally_ocr_scan', alreadyReported: false });
      expect(second).toEqual({ ...first, alreadyReported: true });
      expect(stripe.countedMeterEvents).toHaveLength(1);
      expect(stripe.reportedQuantity('org_123', 'OCR_SCAN', january.start)).toBe(7);
      expect(stripe.callsTo('reportUsage')).toHaveLength(2);
    });

    it('counts reports with the next sequence number', async () => {
      const stripe = new RecordingStripeGateway();

      await stripe.reportUsage(report);
      await stripe.reportUsage({ ...report, reportSequence: 1, quantity: 3 });

      expect(stripe.reportedQuantity('org_123', 'OCR_SCAN')).toBe(10);
    });
  });

  describe('when the same invoice item is created twice', () => {
    it('returns the first item and creates no second one', async () => {
      const stripe = new RecordingStripeGateway();

      const first = await stripe.createInvoiceItem(invoiceItem);
      const second = await stripe.createInvoiceItem({ ...invoiceItem });

      expect(second).toEqual(first);
      expect(first.idempotencyKey).toBe(invoiceItemIdempotencyKey(invoiceItem));
      expect(stripe.invoiceItems).toEqual([{ ...first, amountMinor: 125, request: invoiceItem }]);
    });

    it('refuses a repeat with other parameters, as Stripe’s idempotency check does', async () => {
      const stripe = new RecordingStripeGateway();
      await stripe.createInvoiceItem(invoiceItem);

      await expect(stripe.createInvoiceItem({ ...invoiceItem, amount: '1.30' })).rejects.toMatchObject({
        retryable: false,
        statusCode: 400,
        stripeErrorType: 'idempotency_error',
      });
      expect(stripe.invoiceItems).toHaveLength(1);
    });
  });

  describe('meters, prices and subscription items', () => {
    it('has one meter per feature however often it is ensured', async () => {
      const stripe = new RecordingStripeGateway();

      const first = await stripe.ensureMeter({ key: 'OCR_SCAN', displayName: 'OCR Scans' });
      const again = await stripe.ensureMeter({ key: 'OCR_SCAN', displayName: 'OCR Scans' });
      const other = await stripe.ensureMeter({ key: 'API_CALL', displayName: 'API Calls' });

      expect(again).toEqual(first);
      expect(other.meterId).not.toBe(first.meterId);
      expect(stripe.meters).toHaveLength(2);
    });

    it('returns the same price and item for a repeated creation', async () => {
      const stripe = new RecordingStripeGateway();
      const price = {
        productId: 'prod_tally',
        feature: { key: 'API_CALL', displayName: 'API Calls' },
        meterId: 'meter_api',
        unitAmountDecimal: '0.1',
        currency: 'EUR',
        includedQuantity: 10000,
      };

      const { priceId } = await stripe.createMeteredPrice(price);
      await expect(stripe.createMeteredPrice({ ...price })).resolves.toEqual({ priceId });
      const item = await stripe.addMeteredSubscriptionItem('sub_1', priceId);
      await expect(stripe.addMeteredSubscriptionItem('sub_1', priceId)).resolves.toEqual(item);
    });

    it('rejects a fractional included quantity as Stripe does', async () => {
      const stripe = new RecordingStripeGateway();

      await expect(
        stripe.createMeteredPrice({
          productId: 'prod_tally',
          feature: { key: 'STORAGE_GB', displayName: 'Storage' },
          meterId: 'meter_storage',
          unitAmountDecimal: '2',
          currency: 'EUR',
          includedQuantity: 2.5,
        }),
      ).rejects.toMatchObject({ retryable: false, statusCode: 400 });
    });
  });

  describe('validation it shares with the real gateway', () => {
    it('refuses a zero delta and an amount finer than the currency', async () => {
      const stripe = new RecordingStripeGateway();

      await expect(stripe.reportUsage({ ...report, quantity: 0 })).rejects.toBeInstanceOf(InvalidStripeRequestError);
      await expect(stripe.createInvoiceItem({ ...invoiceItem, amount: '1.255' })).rejects.toBeInstanceOf(InvalidStripeRequestError);
      expect(stripe.countedMeterEvents).toHaveLength(0);
      expect(stripe.invoiceItems).toHaveLength(0);
    });
  });

  describe('scripted failures', () => {
    it('fails the next n calls with the given status, then succeeds', async () => {
      const stripe = new RecordingStripeGateway().failNext(2, 503);

      await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: true, statusCode: 503 });
      await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: true, statusCode: 503 });
      await expect(stripe.reportUsage(report)).resolves.toMatchObject({ alreadyReported: false });

      expect(stripe.calls.map((call) => call.outcome)).toEqual(['threw', 'threw', 'returned']);
      expect(stripe.reportedQuantity('org_123', 'OCR_SCAN')).toBe(7);
    });

    it('plays a script of outcomes in order, classifying each as the adapter would', async () => {
      const stripe = new RecordingStripeGateway().script(500, 'succeed', 429, 400, 'connection');

      await expect(stripe.ensureMeter({ key: 'OCR_SCAN', displayName: 'OCR Scans' })).rejects.toMatchObject({ retryable: true, statusCode: 500 });
      await expect(stripe.ensureMeter({ key: 'OCR_SCAN', displayName: 'OCR Scans' })).resolves.toMatchObject({ eventName: 'tally_ocr_scan' });
      await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: true, statusCode: 429 });
      await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: false, statusCode: 400 });
      await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: true, statusCode: null });
      await expect(stripe.reportUsage(report)).resolves.toMatchObject({ alreadyReported: false });
    });

    it('fails only the method it was told to', async () => {
      const stripe = new RecordingStripeGateway().failNext(1, 500, { method: 'createInvoiceItem' });

      await expect(stripe.reportUsage(report)).resolves.toBeDefined();
      await expect(stripe.createInvoiceItem(invoiceItem)).rejects.toBeInstanceOf(StripeGatewayError);
      await expect(stripe.createInvoiceItem(invoiceItem)).resolves.toBeDefined();
    });

    it('throws a given error as it is', async () => {
      const error = new StripeGatewayError('account locked', { retryable: false, statusCode: 403, stripeCode: 'account_locked' });
      const stripe = new RecordingStripeGateway().script(error);

      await expect(stripe.reportUsage(report)).rejects.toBe(error);
      expect(stripe.calls[0]).toMatchObject({ method: 'reportUsage', outcome: 'threw', error });
    });

    describe('when Stripe processed a request but the answer was lost', () => {
      it('does not count the retried meter event again', async () => {
        const stripe = new RecordingStripeGateway().failNext(1, 'connection', { applied: true });

        await expect(stripe.reportUsage(report)).rejects.toMatchObject({ retryable: true });
        await expect(stripe.reportUsage(report)).resolves.toMatchObject({ alreadyReported: true });

        expect(stripe.reportedQuantity('org_123', 'OCR_SCAN')).toBe(7);
      });

      it('returns the item the lost answer would have carried', async () => {
        const stripe = new RecordingStripeGateway().script({ fail: 500, applied: true });

        await expect(stripe.createInvoiceItem(invoiceItem)).rejects.toMatchObject({ retryable: true });
        const retried = await stripe.createInvoiceItem(invoiceItem);

        expect(stripe.invoiceItems).toHaveLength(1);
        expect(retried.invoiceItemId).toBe(stripe.invoiceItems[0].invoiceItemId);
      });
    });

    it('builds the errors the adapter would for each kind of answer', () => {
      expect(stripeFailure(429)).toMatchObject({ retryable: true, statusCode: 429, stripeCode: 'rate_limit' });
      expect(stripeFailure(409)).toMatchObject({ retryable: true, statusCode: 409 });
      expect(stripeFailure(401)).toMatchObject({ retryable: false, statusCode: 401, stripeErrorType: 'invalid_request_error' });
      expect(stripeFailure(502)).toMatchObject({ retryable: true, statusCode: 502, stripeErrorType: 'api_error' });
      expect(stripeFailure('connection')).toMatchObject({ retryable: true, statusCode: null });
    });
  });
});
