// The Stripe gateway on the wire: the real SDK, Tally's client factory and
// stripe-mock. stripe-mock validates each request against Stripe's OpenAPI spec
// but answers from fixtures and keeps no state, so these tests check that every
// request is accepted, what the gateway makes of the answers, and — from the
// recorded wire requests — that each carries the identifier, idempotency key,
// amounts and tiers Tally means to send. Answers the mock never gives (an
// existing meter, a duplicate meter event) are canned by WireRecorder. How
// failures map to retryable errors is in stripe-gateway-errors.int.test.ts.
import {
  InvalidStripeRequestError,
  StripeMeterConflictError,
  type InvoiceItemRequest,
  type UsageReport,
} from '../../src/application/ports/stripe-gateway';
import {
  invoiceItemIdempotencyKey,
  meterCreationIdempotencyKey,
  meteredPriceIdempotencyKey,
  meterEventIdentifier,
  subscriptionItemIdempotencyKey,
} from '../../src/application/billing/stripe-identifiers';
import { STRIPE_API_VERSION } from '../../src/infrastructure/stripe/stripe-client';
import { wiredGateway } from './wire-recorder';

const ocrScans = { key: 'OCR_SCAN', displayName: 'OCR Scans' };
const january = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };

function meterObject(id: string, eventName: string, formula = 'sum'): Record<string, unknown> {
  return {
    id,
    object: 'billing.meter',
    created: 1767225600,
    updated: 1767225600,
    livemode: false,
    display_name: eventName,
    event_name: eventName,
    event_time_window: null,
    status: 'active',
    status_transitions: { deactivated_at: null },
    default_aggregation: { formula },
    customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
    value_settings: { event_payload_key: 'value' },
  };
}

function meterList(meters: Record<string, unknown>[], hasMore = false): { status: number; body: unknown } {
  return { status: 200, body: { object: 'list', url: '/v1/billing/meters', has_more: hasMore, data: meters } };
}

describe('StripeGatewayAdapter against stripe-mock', () => {
  describe('ensureMeter', () => {
    it('looks for an active meter, then creates one that sums "value" per stripe_customer_id', async () => {
      const { gateway, wire } = wiredGateway();

      const meter = await gateway.ensureMeter(ocrScans);

      expect(meter.eventName).toBe('tally_ocr_scan');
      expect(meter.meterId).toMatch(/^meter_/);
      const [list] = wire.to('GET', '/v1/billing/meters');
      expect(list.query.get('status')).toBe('active');
      const creations = wire.to('POST', '/v1/billing/meters');
      expect(creations).toHaveLength(1);
      const { form, headers } = creations[0];
      expect(Object.fromEntries(form)).toEqual({
        display_name: 'OCR Scans',
        event_name: 'tally_ocr_scan',
        'default_aggregation[formula]': 'sum',
        'customer_mapping[type]': 'by_id',
        'customer_mapping[event_payload_key]': 'stripe_customer_id',
        'value_settings[event_payload_key]': 'value',
      });
      expect(headers['idempotency-key']).toBe(meterCreationIdempotencyKey(ocrScans));
      expect(headers['stripe-version']).toBe(STRIPE_API_VERSION);
    });

    it('reuses the active meter with the feature’s event name, on any page, instead of creating another', async () => {
      const { gateway, wire } = wiredGateway();
      wire.answer((request) =>
        request.path !== '/v1/billing/meters' || request.method !== 'GET'
          ? undefined
          : request.query.get('starting_after') === 'meter_other'
            ? meterList([meterObject('meter_ocr', 'tally_ocr_scan')])
            : meterList([meterObject('meter_other', 'tally_api_call')], true),
      );

      await expect(gateway.ensureMeter(ocrScans)).resolves.toEqual({ meterId: 'meter_ocr', eventName: 'tally_ocr_scan' });
      expect(wire.to('GET', '/v1/billing/meters')).toHaveLength(2);
      expect(wire.to('POST', '/v1/billing/meters')).toHaveLength(0);
    });

    it('refuses an active meter with the event name that aggregates differently', async () => {
      const { gateway, wire } = wiredGateway();
      wire.answer((request) => (request.method === 'GET' ? meterList([meterObject('meter_count', 'tally_ocr_scan', 'count')]) : undefined));

      const attempt = gateway.ensureMeter(ocrScans);

      await expect(attempt).rejects.toBeInstanceOf(StripeMeterConflictError);
      await expect(attempt).rejects.toMatchObject({ retryable: false, meterId: 'meter_count' });
      expect(wire.to('POST', '/v1/billing/meters')).toHaveLength(0);
    });
  });

  describe('createMeteredPrice', () => {
    const apiCalls = {
      productId: 'prod_tally',
      feature: { key: 'API_CALL', displayName: 'API Calls' },
      meterId: 'meter_api',
      unitAmountDecimal: '0.1',
      currency: 'EUR',
      includedQuantity: 10000,
    };

    it('sends a monthly metered price on the meter: the included units free, then a tenth of a cent each', async () => {
      const { gateway, wire } = wiredGateway();

      const price = await gateway.createMeteredPrice(apiCalls);

      expect(price.priceId).toMatch(/^price_/);
      const [{ form, headers }] = wire.to('POST', '/v1/prices');
      expect(Object.fromEntries(form)).toMatchObject({
        product: 'prod_tally',
        currency: 'eur',
        'recurring[interval]': 'month',
        'recurring[usage_type]': 'metered',
        'recurring[meter]': 'meter_api',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        'tiers[0][up_to]': '10000',
        'tiers[0][unit_amount_decimal]': '0',
        'tiers[1][up_to]': 'inf',
        'tiers[1][unit_amount_decimal]': '0.1',
      });
      expect(form.has('unit_amount')).toBe(false);
      expect(form.has('unit_amount_decimal')).toBe(false);
      expect(headers['idempotency-key']).toBe(meteredPriceIdempotencyKey(apiCalls));
    });

    it('has only the paid tier when nothing is included', async () => {
      const { gateway, wire } = wiredGateway();

      await gateway.createMeteredPrice({ ...apiCalls, unitAmountDecimal: '5', includedQuantity: 0 });

      const [{ form }] = wire.to('POST', '/v1/prices');
      expect(form.get('tiers[0][up_to]')).toBe('inf');
      expect(form.get('tiers[0][unit_amount_decimal]')).toBe('5');
      expect(form.has('tiers[1][up_to]')).toBe(false);
    });

    it.each([
      ['JPY', '0.5', '0.5'],
      ['ISK', '5', '500'], // Stripe keeps ISK two-decimal; ISO has no decimals
      ['EUR', '0.0001', '0.0001'],
    ])('sends a %s price of %s minor units as unit_amount_decimal %s', async (currency, price, sent) => {
      const { gateway, wire } = wiredGateway();

      await gateway.createMeteredPrice({ ...apiCalls, currency, unitAmountDecimal: price });

      const [{ form }] = wire.to('POST', '/v1/prices');
      expect(form.get('currency')).toBe(currency.toLowerCase());
      expect(form.get('tiers[1][unit_amount_decimal]')).toBe(sent);
    });
  });

  describe('addMeteredSubscriptionItem', () => {
    it('attaches the price without a quantity, once per subscription and price', async () => {
      const { gateway, wire } = wiredGateway();

      const item = await gateway.addMeteredSubscriptionItem('sub_123', 'price_api');

      expect(item.subscriptionItemId).toMatch(/^si_/);
      const [{ form, headers }] = wire.to('POST', '/v1/subscription_items');
      expect(Object.fromEntries(form)).toEqual({ subscription: 'sub_123', price: 'price_api' });
      expect(headers['idempotency-key']).toBe(subscriptionItemIdempotencyKey('sub_123', 'price_api'));
    });
  });

  describe('reportUsage', () => {
    const report: UsageReport = {
      organizationId: 'org_123',
      stripeCustomerId: 'cus_123',
      feature: 'OCR_SCAN',
      billingPeriod: january,
      reportSequence: 3,
      quantity: 7,
      timestamp: new Date('2026-01-20T12:34:56.789Z'),
    };

    it('sends one meter event: derived identifier, customer, the delta as a string, the time in seconds', async () => {
      const { gateway, wire } = wiredGateway();

      const receipt = await gateway.reportUsage(report);

      const identifier = meterEventIdentifier(report);
      expect(receipt).toEqual({ identifier, eventName: 'tally_ocr_scan', alreadyReported: false });
      const events = wire.to('POST', '/v1/billing/meter_events');
      expect(events).toHaveLength(1);
      expect(Object.fromEntries(events[0].form)).toEqual({
        event_name: 'tally_ocr_scan',
        identifier: 'tally:org_123:OCR_SCAN:2026-01-01T00:00:00.000Z:3',
        timestamp: String(Math.floor(Date.parse('2026-01-20T12:34:56.789Z') / 1000)),
        'payload[stripe_customer_id]': 'cus_123',
        'payload[value]': '7',
      });
    });

    it('takes Stripe’s rejection of an identifier it already holds as "already reported"', async () => {
      const { gateway, wire } = wiredGateway();
      const identifier = meterEventIdentifier(report);
      wire.answer(() => ({
        status: 400,
        headers: { 'stripe-should-retry': 'false' },
        body: { error: { type: 'invalid_request_error', message: `An event already exists with identifier ${identifier}.` } },
      }));

      await expect(gateway.reportUsage(report)).resolves.toEqual({ identifier, eventName: 'tally_ocr_scan', alreadyReported: true });
    });

    it('refuses a zero delta without calling Stripe', async () => {
      const { gateway, wire } = wiredGateway();

      await expect(gateway.reportUsage({ ...report, quantity: 0 })).rejects.toBeInstanceOf(InvalidStripeRequestError);
      expect(wire.requests).toHaveLength(0);
    });
  });

  describe('createInvoiceItem', () => {
    const overage: InvoiceItemRequest = {
      organizationId: 'org_123',
      stripeCustomerId: 'cus_123',
      feature: 'SMS_SENT',
      description: 'SMS Messages: 25 over the included 100, January 2026',
      billingPeriod: january,
      amount: '1.25',
      currency: 'EUR',
      quantity: 25,
    };

    it.each([
      ['EUR', '1.25', '125'],
      ['JPY', '21', '21'],
      ['BHD', '0.125', '125'],
    ])('sends %s %s as amount %s with the period’s idempotency key', async (currency, amount, minor) => {
      const { gateway, wire } = wiredGateway();

      const receipt = await gateway.createInvoiceItem({ ...overage, currency, amount });

      expect(receipt.invoiceItemId).toMatch(/^ii_/);
      expect(receipt.idempotencyKey).toBe(invoiceItemIdempotencyKey(overage));
      const [{ form, headers }] = wire.to('POST', '/v1/invoiceitems');
      expect(Object.fromEntries(form)).toMatchObject({
        customer: 'cus_123',
        amount: minor,
        currency: currency.toLowerCase(),
        description: overage.description,
        'period[start]': String(Date.parse(january.start) / 1000),
        'period[end]': String(Date.parse(january.end) / 1000 - 1),
        'metadata[tally_organization_id]': 'org_123',
        'metadata[tally_feature]': 'SMS_SENT',
        'metadata[tally_quantity]': '25',
      });
      expect(form.has('quantity')).toBe(false);
      expect(headers['idempotency-key']).toBe('tally-invoice:org_123:SMS_SENT:2026-01-01T00:00:00.000Z');
    });

    it('writes feature, quantity and period when no description is given', async () => {
      const { gateway, wire } = wiredGateway();

      await gateway.createInvoiceItem({ ...overage, description: '' });

      const [{ form }] = wire.to('POST', '/v1/invoiceitems');
      expect(form.get('description')).toBe('SMS_SENT: 25 units, 2026-01-01T00:00:00.000Z – 2026-02-01T00:00:00.000Z');
    });

    it('refuses an amount with more decimals than the currency has, without calling Stripe', async () => {
      const { gateway, wire } = wiredGateway();

      await expect(gateway.createInvoiceItem({ ...overage, amount: '1.255' })).rejects.toMatchObject({ retryable: false, field: 'amount' });
      expect(wire.requests).toHaveLength(0);
    });
  });
});
