// The names and keys Tally sends to Stripe: the same inputs always give the same
// value, different reports never share one, and Stripe's length limits hold.
import fc from 'fast-check';
import { InvalidStripeRequestError } from '../../src/application/ports/stripe-gateway';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  invoiceItemIdempotencyKey,
  METER_EVENT_IDENTIFIER_MAX_LENGTH,
  meterCreationIdempotencyKey,
  meteredPriceIdempotencyKey,
  meterEventIdentifier,
  meterEventName,
  subscriptionItemIdempotencyKey,
} from '../../src/application/billing/stripe-identifiers';

const january = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' };
const february = { start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' };
const report = { organizationId: 'org_123', feature: 'OCR_SCAN', billingPeriod: january, reportSequence: 0 };
const longOrganizationId = `org_${'x'.repeat(120)}`;
const longFeature = `F${'E'.repeat(63)}`;

describe('meterEventName', () => {
  it('is "tally_" and the lower-case feature key', () => {
    expect(meterEventName('OCR_SCAN')).toBe('tally_ocr_scan');
    expect(meterEventName('API_CALL')).toBe('tally_api_call');
  });

  it('fits Stripe’s 100 characters for the longest feature key', () => {
    expect(meterEventName(longFeature).length).toBeLessThanOrEqual(100);
  });

  it('refuses something that is not a feature key', () => {
    expect(() => meterEventName('ocr_scan')).toThrow(InvalidStripeRequestError);
    expect(() => meterEventName('')).toThrow(InvalidStripeRequestError);
  });
});

describe('meterEventIdentifier', () => {
  it('reads as organization, feature, period start and sequence', () => {
    expect(meterEventIdentifier(report)).toBe('tally:org_123:OCR_SCAN:2026-01-01T00:00:00.000Z:0');
  });

  it('is the same for the same report, however the period start is spelt', () => {
    expect(meterEventIdentifier({ ...report })).toBe(meterEventIdentifier(report));
    const spelt = { ...report, billingPeriod: { start: '2026-01-01T01:00:00+01:00', end: january.end } };
    expect(meterEventIdentifier(spelt)).toBe(meterEventIdentifier(report));
  });

  it('differs per sequence, period, feature and organization', () => {
    const identifiers = [
      meterEventIdentifier(report),
      meterEventIdentifier({ ...report, reportSequence: 1 }),
      meterEventIdentifier({ ...report, billingPeriod: february }),
      meterEventIdentifier({ ...report, feature: 'API_CALL' }),
      meterEventIdentifier({ ...report, organizationId: 'org_124' }),
    ];
    expect(new Set(identifiers).size).toBe(identifiers.length);
  });

  it('does not depend on the period end or on anything but the report’s identity', () => {
    const otherEnd = { ...report, billingPeriod: { start: january.start, end: '2026-01-31T00:00:00.000Z' } };
    expect(meterEventIdentifier(otherEnd)).toBe(meterEventIdentifier(report));
  });

  it('becomes a prefixed SHA-256 digest when too long for Stripe, still deterministic and distinct', () => {
    const long = { ...report, organizationId: longOrganizationId, feature: longFeature };
    const identifier = meterEventIdentifier(long);
    expect(identifier).toMatch(/^tally:sha256:[0-9a-f]{64}$/);
    expect(identifier.length).toBeLessThanOrEqual(METER_EVENT_IDENTIFIER_MAX_LENGTH);
    expect(meterEventIdentifier({ ...long })).toBe(identifier);
    expect(meterEventIdentifier({ ...long, reportSequence: 1 })).not.toBe(identifier);
  });

  it('hashes organization ids with spaces or non-ASCII characters', () => {
    expect(meterEventIdentifier({ ...report, organizationId: 'Müller GmbH' })).toMatch(/^tally:sha256:/);
  });

  it('always fits, for any organization id, feature, period and sequence', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((id) => id.trim() !== ''),
        fc.stringMatching(/^[A-Z][A-Z0-9_]{1,63}$/),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.nat(),
        (organizationId, feature, start, reportSequence) => {
          const identity = { organizationId, feature, billingPeriod: { start: start.toISOString(), end: start.toISOString() }, reportSequence };
          const identifier = meterEventIdentifier(identity);
          expect(identifier.length).toBeLessThanOrEqual(METER_EVENT_IDENTIFIER_MAX_LENGTH);
          expect(meterEventIdentifier(identity)).toBe(identifier);
        },
      ),
    );
  });

  it('refuses a negative or fractional sequence, an empty organization and an unreadable period start', () => {
    expect(() => meterEventIdentifier({ ...report, reportSequence: -1 })).toThrow(InvalidStripeRequestError);
    expect(() => meterEventIdentifier({ ...report, reportSequence: 1.5 })).toThrow(InvalidStripeRequestError);
    expect(() => meterEventIdentifier({ ...report, organizationId: ' ' })).toThrow(InvalidStripeRequestError);
    expect(() => meterEventIdentifier({ ...report, billingPeriod: { start: 'January', end: january.end } })).toThrow(
      InvalidStripeRequestError,
    );
  });
});

describe('invoiceItemIdempotencyKey', () => {
  const item = { organizationId: 'org_123', feature: 'SMS_SENT', billingPeriod: january };

  it('reads as organization, feature and period start', () => {
    expect(invoiceItemIdempotencyKey(item)).toBe('tally-invoice:org_123:SMS_SENT:2026-01-01T00:00:00.000Z');
  });

  it('is one key per organization, feature and period', () => {
    const keys = [
      invoiceItemIdempotencyKey(item),
      invoiceItemIdempotencyKey({ ...item, billingPeriod: february }),
      invoiceItemIdempotencyKey({ ...item, feature: 'PDF_EXPORT' }),
      invoiceItemIdempotencyKey({ ...item, organizationId: 'org_124' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(invoiceItemIdempotencyKey({ ...item })).toBe(keys[0]);
  });

  it('hashes when longer than Stripe’s 255 characters', () => {
    const key = invoiceItemIdempotencyKey({ ...item, organizationId: 'o'.repeat(300) });
    expect(key).toMatch(/^tally-invoice:sha256:[0-9a-f]{64}$/);
    expect(key.length).toBeLessThanOrEqual(IDEMPOTENCY_KEY_MAX_LENGTH);
  });
});

describe('keys for creating meters, prices and subscription items', () => {
  const price = {
    productId: 'prod_tally',
    feature: { key: 'API_CALL', displayName: 'API Calls' },
    meterId: 'meter_api',
    unitAmountDecimal: '0.1',
    currency: 'EUR',
    includedQuantity: 10000,
  };

  it('give the same key for the same creation and another for a different one', () => {
    expect(meterCreationIdempotencyKey({ key: 'OCR_SCAN', displayName: 'OCR Scans' })).toBe(
      meterCreationIdempotencyKey({ key: 'OCR_SCAN', displayName: 'OCR Scans' }),
    );
    expect(meterCreationIdempotencyKey({ key: 'OCR_SCAN', displayName: 'Scans' })).not.toBe(
      meterCreationIdempotencyKey({ key: 'OCR_SCAN', displayName: 'OCR Scans' }),
    );
    expect(meteredPriceIdempotencyKey({ ...price })).toBe(meteredPriceIdempotencyKey(price));
    expect(meteredPriceIdempotencyKey({ ...price, unitAmountDecimal: '0.2' })).not.toBe(meteredPriceIdempotencyKey(price));
    expect(meteredPriceIdempotencyKey({ ...price, includedQuantity: 0 })).not.toBe(meteredPriceIdempotencyKey(price));
    expect(subscriptionItemIdempotencyKey('sub_1', 'price_1')).toBe('tally-subscription-item:sub_1:price_1');
    expect(subscriptionItemIdempotencyKey('sub_1', 'price_2')).not.toBe(subscriptionItemIdempotencyKey('sub_1', 'price_1'));
  });

  it('fit Stripe’s 255 characters', () => {
    const longest = { ...price, feature: { key: longFeature, displayName: 'x'.repeat(500) } };
    expect(meteredPriceIdempotencyKey(longest).length).toBeLessThanOrEqual(IDEMPOTENCY_KEY_MAX_LENGTH);
    expect(meterCreationIdempotencyKey(longest.feature).length).toBeLessThanOrEqual(IDEMPOTENCY_KEY_MAX_LENGTH);
    expect(subscriptionItemIdempotencyKey('s'.repeat(300), 'p').length).toBeLessThanOrEqual(IDEMPOTENCY_KEY_MAX_LENGTH);
  });
});
