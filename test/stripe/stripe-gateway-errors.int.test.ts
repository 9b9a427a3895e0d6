// How the Stripe gateway reports failures, on the wire: what stripe-mock rejects,
// what Stripe answers under load or outage (canned, since stripe-mock never
// fails that way) and a connection nobody answers. Workflows only read
// `retryable`, so that is what each case pins down.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { StripeGatewayError } from '../../src/application/ports/stripe-gateway';
import { wiredGateway } from './wire-recorder';

const january = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('StripeGatewayAdapter errors against stripe-mock', () => {
  it('maps a request stripe-mock rejects as invalid (400) to a non-retryable error', async () => {
    const { gateway } = wiredGateway();

    // Stripe's tier bounds are integers; stripe-mock checks the type from the spec.
    const attempt = gateway.createMeteredPrice({
      productId: 'prod_tally',
      feature: { key: 'STORAGE_GB', displayName: 'Storage' },
      meterId: 'meter_storage',
      unitAmountDecimal: '2',
      currency: 'EUR',
      includedQuantity: 2.5,
    });

    await expect(attempt).rejects.toBeInstanceOf(StripeGatewayError);
    await expect(attempt).rejects.toMatchObject({ retryable: false, statusCode: 400, stripeErrorType: 'invalid_request_error' });
  });

  it('maps a rejected API key (401) to a non-retryable error', async () => {
    const { gateway } = wiredGateway({ apiKey: 'not_a_test_key' });

    await expect(gateway.addMeteredSubscriptionItem('sub_123', 'price_api')).rejects.toMatchObject({
      retryable: false,
      statusCode: 401,
      stripeErrorType: 'invalid_request_error',
    });
  });

  it.each([
    [429, 'rate_limit', 'Too many requests hit the API too quickly.'],
    [500, null, 'An unknown error occurred.'],
    [503, null, 'Service unavailable.'],
  ])('maps HTTP %i to a retryable error', async (status, code, message) => {
    const { gateway, wire } = wiredGateway();
    wire.answer(() => ({ status, body: { error: { type: status === 429 ? 'invalid_request_error' : 'api_error', code, message } } }));

    const attempt = gateway.reportUsage({
      organizationId: 'org_123',
      stripeCustomerId: 'cus_123',
      feature: 'OCR_SCAN',
      billingPeriod: january,
      reportSequence: 0,
      quantity: 1,
      timestamp: new Date('2026-01-05T00:00:00Z'),
    });

    await expect(attempt).rejects.toMatchObject({ retryable: true, statusCode: status, stripeCode: code, requestId: 'req_canned' });
  });

  it.each([
    ['a repeat whose parameters differ from the first (idempotency_error)', 400, 'idempotency_error', undefined, false],
    ['a conflict with a request still in flight', 409, 'invalid_request_error', undefined, true],
    ['a 500 Stripe says not to retry', 500, 'api_error', 'false', false],
    ['a 400 Stripe says to retry', 400, 'invalid_request_error', 'true', true],
  ])('treats %s as retryable: %s', async (_case, status, type, shouldRetry, retryable) => {
    const { gateway, wire } = wiredGateway();
    const headers: Record<string, string> = shouldRetry === undefined ? {} : { 'stripe-should-retry': shouldRetry };
    wire.answer(() => ({ status, headers, body: { error: { type, message: 'canned' } } }));

    const attempt = gateway.addMeteredSubscriptionItem('sub_123', 'price_api');

    await expect(attempt).rejects.toMatchObject({ retryable, statusCode: status, stripeErrorType: type });
  });

  it('maps a refused connection to a retryable error without a status', async () => {
    const { gateway } = wiredGateway({ port: await unusedPort() });

    const attempt = gateway.ensureMeter({ key: 'OCR_SCAN', displayName: 'OCR Scans' });

    await expect(attempt).rejects.toBeInstanceOf(StripeGatewayError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, statusCode: null });
  });
});
