// The Stripe SDK, configured by Tally's own client factory, talks to stripe-mock
// on the wire: the same requests that would go to api.stripe.com.
import { createStripeClient } from '../../src/infrastructure/stripe/stripe-client';
import { stackSettings } from '../support/stack-settings';

describe('stripe-mock', () => {
  const settings = stackSettings();
  const stripe = createStripeClient({
    apiKey: 'sk_test_123',
    host: settings.stripeApiHost,
    port: settings.stripeApiPort,
    protocol: settings.stripeApiProtocol,
  });

  it('creates a customer', async () => {
    const customer = await stripe.customers.create({ name: 'Org 123', metadata: { organizationId: 'org_123' } });
    expect(customer.object).toBe('customer');
    expect(customer.id).toMatch(/^cus_/);
  });

  it('creates a billing meter', async () => {
    const meter = await stripe.billing.meters.create({
      display_name: 'OCR Scans',
      event_name: 'tally_ocr_scan',
      default_aggregation: { formula: 'sum' },
    });
    // stripe-mock answers from fixtures, so only the shape is checked here.
    expect(meter.object).toBe('billing.meter');
    expect(meter.default_aggregation.formula).toBe('sum');
    expect(typeof meter.id).toBe('string');
  });
});
