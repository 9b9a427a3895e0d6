// Specification of the feature catalogue: the seed's ten built-in features and custom feature rules.
import {
  AGGREGATIONS,
  BUILT_IN_FEATURES,
  builtInFeature,
  DEFAULT_RESET_PERIOD,
  isBuiltInFeature,
  UsageFeature,
  validateCustomFeature,
} from '../../src/domain/catalogue';
import { DomainError } from '../../src/domain/domain-error';
import { parsePricePerUnit } from '../../src/domain/money';

function expectDomainError(run: () => unknown, code: string, field: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  expect(thrown).toMatchObject({ code, field });
  if (message) expect((thrown as DomainError).message).toMatch(message);
}

describe('the built-in features', () => {
  it('are the ten features of the seed, with its units, free tiers and prices in minor units', () => {
    expect(BUILT_IN_FEATURES.map((f) => [f.key, f.displayName, f.unit, f.defaultIncludedQuantity, f.defaultPricePerUnit])).toEqual([
      ['OCR_SCAN', 'OCR Scans', 'scan', 50, '5'],
      ['API_CALL', 'API Calls', 'call', 10000, '0.1'],
      ['STORAGE_GB', 'Storage', 'GB', 5, '2'],
      ['AI_CLASSIFICATION', 'AI Classifications', 'classification', 100, '1'],
      ['EMAIL_SENT', 'Emails', 'email', 1000, '0.5'],
      ['BANK_SYNC', 'Bank Syncs', 'sync', 30, '3'],
      ['SMS_SENT', 'SMS Messages', 'sms', 100, '10'],
      ['PDF_EXPORT', 'PDF Exports', 'export', 200, '2'],
      ['WEBHOOK', 'Webhooks', 'webhook', 5000, '0.2'],
      ['CUSTOM_REPORT', 'Custom Reports', 'report', 50, '5'],
    ]);
    expect(BUILT_IN_FEATURES.every((f) => f.builtIn)).toBe(true);
  });

  it('have valid default prices', () => {
    for (const feature of BUILT_IN_FEATURES) {
      expect(() => parsePricePerUnit(feature.defaultPricePerUnit)).not.toThrow();
    }
  });

  it('sum their events, except storage, which takes the peak of the reported totals', () => {
    expect(BUILT_IN_FEATURES.filter((f) => f.aggregation !== 'sum').map((f) => [f.key, f.aggregation])).toEqual([['STORAGE_GB', 'max']]);
  });

  it('are named like the seed’s enum', () => {
    expect(UsageFeature.OCR_SCAN).toBe('OCR_SCAN');
    expect(Object.keys(UsageFeature)).toEqual(BUILT_IN_FEATURES.map((f) => f.key));
    expect(Object.isFrozen(UsageFeature)).toBe(true);
  });

  it('can be looked up by key', () => {
    expect(builtInFeature('API_CALL')?.defaultIncludedQuantity).toBe(10000);
    expect(builtInFeature('NOPE')).toBeUndefined();
    expect(isBuiltInFeature('SMS_SENT')).toBe(true);
    expect(isBuiltInFeature('toString')).toBe(false);
  });

  it('reset monthly by default', () => {
    expect(DEFAULT_RESET_PERIOD).toBe('MONTHLY');
  });
});

describe('custom features', () => {
  it('start with nothing included, a price of 0 and summed events', () => {
    expect(validateCustomFeature({ key: 'VIDEO_MINUTE', displayName: ' Video minutes ', unit: 'minute' })).toEqual({
      key: 'VIDEO_MINUTE',
      displayName: 'Video minutes',
      unit: 'minute',
      aggregation: 'sum',
      defaultIncludedQuantity: 0,
      defaultPricePerUnit: '0',
      builtIn: false,
    });
  });

  it('may choose another aggregation', () => {
    for (const aggregation of AGGREGATIONS) {
      expect(validateCustomFeature({ key: 'SEATS', displayName: 'Seats', unit: 'seat', aggregation }).aggregation).toBe(aggregation);
    }
  });

  it('need an upper-case key of 2 to 64 characters starting with a letter', () => {
    for (const key of ['video_minute', 'V', '1VIDEO', 'VIDEO-MINUTE', `A${'B'.repeat(64)}`, '']) {
      expectDomainError(() => validateCustomFeature({ key, displayName: 'Video', unit: 'minute' }), 'validation', 'key');
    }
    expect(validateCustomFeature({ key: `A${'B'.repeat(63)}`, displayName: 'Long', unit: 'x' }).key).toHaveLength(64);
  });

  it('must not take the key of a built-in feature', () => {
    expectDomainError(() => validateCustomFeature({ key: 'OCR_SCAN', displayName: 'Scans', unit: 'scan' }), 'conflict', 'key', /built-in/);
  });

  it('need a display name and a unit', () => {
    expectDomainError(() => validateCustomFeature({ key: 'VIDEO', displayName: '  ', unit: 'minute' }), 'validation', 'displayName', /displayName must not be empty/);
    expectDomainError(() => validateCustomFeature({ key: 'VIDEO', displayName: 'Video', unit: '' }), 'validation', 'unit');
    expectDomainError(() => validateCustomFeature({ key: 'VIDEO', displayName: 'x'.repeat(101), unit: 'minute' }), 'validation', 'displayName');
  });

  it('reject an unknown aggregation from unchecked input', () => {
    const input = JSON.parse('{"key":"VIDEO","displayName":"Video","unit":"minute","aggregation":"avg"}') as Parameters<typeof validateCustomFeature>[0];
    expectDomainError(() => validateCustomFeature(input), 'validation', 'aggregation', /"avg" is not one of sum, max, latest/);
  });
});
