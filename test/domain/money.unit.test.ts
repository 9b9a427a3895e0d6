// Specification of exact money: ISO minor units, price parsing, rounding once (half up) and formatting.
import { Decimal } from 'decimal.js';
import { currencyExponent, isCurrencyCode, CURRENCY_CODES } from '../../src/domain/currency';
import { DomainError } from '../../src/domain/domain-error';
import {
  addMoney,
  compareMoney,
  fromMinor,
  lineAmount,
  MoneyDecimal,
  parsePricePerUnit,
  parseQuantity,
  roundMinor,
  ROUNDING_MODE,
  subtractMoney,
  sumMoney,
  toMajorNumber,
  toMajorString,
  zero,
} from '../../src/domain/money';

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

describe('currencies', () => {
  it('knows the minor units of ISO 4217 currencies', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('GBP')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('TND')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
  });

  it('rejects a code that is not ISO 4217, naming the currency field', () => {
    expectDomainError(() => currencyExponent('EURO'), 'validation', 'currency', /currency "EURO" is not an ISO 4217 code/);
    expect(isCurrencyCode('EURO')).toBe(false);
  });

  it('treats codes as upper case and says so', () => {
    expect(isCurrencyCode('eur')).toBe(false);
    expectDomainError(() => currencyExponent('eur'), 'validation', 'currency', /upper case: "EUR"/);
  });

  it('leaves out codes without a minor unit', () => {
    expect(isCurrencyCode('XAU')).toBe(false);
    expect(isCurrencyCode('XXX')).toBe(false);
    expect(CURRENCY_CODES).toContain('EUR');
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
  });
});

describe('money', () => {
  describe('the seed example: 50 included, 75 used, 5 cents each', () => {
    it('bills the 25 scans above the free tier as 1.25 EUR', () => {
      const amount = lineAmount(75 - 50, parsePricePerUnit(5), 'EUR');
      expect(amount).toEqual({ currency: 'EUR', minor: 125n });
      expect(toMajorNumber(amount)).toBe(1.25);
      expect(toMajorString(amount)).toBe('1.25');
    });
  });

  describe('when the price is a fraction of a minor unit', () => {
    it('rounds the line once, half up (API_CALL: 12345 × 0.1 cent = 12.35 EUR)', () => {
      const amount = lineAmount(12345, parsePricePerUnit('0.1'), 'EUR');
      expect(amount.minor).toBe(1235n);
      expect(toMajorString(amount)).toBe('12.35');
    });

    it('rounds exactly, where floating point would drift (3 × 0.1 is 0.3, not 0.30000000000000004)', () => {
      expect(lineAmount(3, parsePricePerUnit(0.1), 'EUR').minor).toBe(0n);
      expect(lineAmount(5, parsePricePerUnit(0.1), 'EUR').minor).toBe(1n);
      expect(lineAmount(15, parsePricePerUnit('0.0333'), 'EUR').minor).toBe(0n); // 0.4995
      expect(lineAmount(15, parsePricePerUnit('0.0334'), 'EUR').minor).toBe(1n); // 0.501
    });

    it('uses half-up (commercial) rounding', () => {
      expect(ROUNDING_MODE).toBe(Decimal.ROUND_HALF_UP);
      expect(roundMinor(new MoneyDecimal('2.5'), 'EUR').minor).toBe(3n);
      expect(roundMinor(new MoneyDecimal('3.5'), 'EUR').minor).toBe(4n); // not banker's rounding
      expect(roundMinor(new MoneyDecimal('2.4999'), 'EUR').minor).toBe(2n);
      expect(roundMinor(new MoneyDecimal('-2.5'), 'EUR').minor).toBe(-3n); // halves go away from zero
    });
  });

  describe('when the currency has no decimals (JPY)', () => {
    it('rounds to whole yen and prints no decimal point', () => {
      const amount = lineAmount(3, parsePricePerUnit('33.5'), 'JPY');
      expect(amount.minor).toBe(101n); // 100.5 → 101
      expect(toMajorString(amount)).toBe('101');
      expect(toMajorString(fromMinor(100, 'JPY'))).toBe('100');
      expect(toMajorNumber(fromMinor(100, 'JPY'))).toBe(100);
    });
  });

  describe('when the currency has three decimals (BHD)', () => {
    it('counts in fils and prints three decimals', () => {
      const amount = lineAmount(25, parsePricePerUnit(5), 'BHD');
      expect(amount.minor).toBe(125n);
      expect(toMajorString(amount)).toBe('0.125');
      expect(toMajorNumber(amount)).toBe(0.125);
    });
  });

  describe('toMajorString', () => {
    it('always prints exactly the currency decimals', () => {
      expect(toMajorString(fromMinor(120, 'EUR'))).toBe('1.20');
      expect(toMajorString(fromMinor(5, 'EUR'))).toBe('0.05');
      expect(toMajorString(fromMinor(0, 'EUR'))).toBe('0.00');
      expect(toMajorString(fromMinor(7, 'BHD'))).toBe('0.007');
      expect(toMajorString(fromMinor(1, 'CLF'))).toBe('0.0001');
      expect(toMajorString(fromMinor(-5, 'EUR'))).toBe('-0.05');
      expect(toMajorString(fromMinor('123456789012345678901', 'EUR'))).toBe('1234567890123456789.01');
    });
  });

  describe('parsePricePerUnit', () => {
    it('accepts minor-unit decimals with up to 4 places', () => {
      expect(parsePricePerUnit('0.0001').toString()).toBe('0.0001');
      expect(parsePricePerUnit(5).toString()).toBe('5');
      expect(parsePricePerUnit('5.00000').toString()).toBe('5');
      expect(parsePricePerUnit('-0').toString()).toBe('0');
    });

    it('reads numbers by their shortest form, so 0.1 is exactly one tenth', () => {
      expect(parsePricePerUnit(0.1).equals('0.1')).toBe(true);
    });

    it('rejects a fifth decimal place', () => {
      expectDomainError(() => parsePricePerUnit('0.00001'), 'validation', 'pricePerUnit', /more than 4 decimal places/);
      expectDomainError(() => parsePricePerUnit(0.00001), 'validation', 'pricePerUnit');
    });

    it('rejects negative prices', () => {
      expectDomainError(() => parsePricePerUnit(-5), 'validation', 'pricePerUnit', /pricePerUnit "-5" must not be negative/);
      expectDomainError(() => parsePricePerUnit('-0.5'), 'validation', 'pricePerUnit');
    });

    it('rejects NaN, infinities and text that is not a plain decimal', () => {
      expectDomainError(() => parsePricePerUnit(Number.NaN), 'validation', 'pricePerUnit');
      expectDomainError(() => parsePricePerUnit(Number.POSITIVE_INFINITY), 'validation', 'pricePerUnit');
      for (const text of ['abc', '', ' 5', '1e2', '0x10', 'Infinity', 'NaN', '5.']) {
        expectDomainError(() => parsePricePerUnit(text), 'validation', 'pricePerUnit', /is not a decimal number/);
      }
    });

    it('names the field it was given', () => {
      expectDomainError(() => parsePricePerUnit('abc', 'pricing.tiers[0].unitPrice'), 'validation', 'pricing.tiers[0].unitPrice', /^pricing\.tiers\[0\]\.unitPrice "abc"/);
    });

    it('rejects prices too large to multiply exactly', () => {
      expectDomainError(() => parsePricePerUnit('1000000000000000'), 'validation', 'pricePerUnit');
      expect(parsePricePerUnit('999999999999999.9999').toString()).toBe('999999999999999.9999');
    });
  });

  describe('quantities', () => {
    it('accepts numbers, bigints and decimals, including fractions', () => {
      expect(parseQuantity(2.5).toString()).toBe('2.5');
      expect(parseQuantity(10n).toString()).toBe('10');
      expect(lineAmount(new Decimal('2.5'), parsePricePerUnit(2), 'EUR').minor).toBe(5n);
    });

    it('computes with our own precision even for a decimal made by the global constructor', () => {
      const quantity = new Decimal('12345678901234567');
      expect(lineAmount(quantity, parsePricePerUnit('0.0001'), 'EUR').minor).toBe(1234567890123n);
    });

    it('rejects negative and non-finite quantities', () => {
      expectDomainError(() => parseQuantity(-1), 'validation', 'quantity', /must not be negative/);
      expectDomainError(() => parseQuantity(Number.NaN), 'validation', 'quantity');
      expectDomainError(() => lineAmount(-1, parsePricePerUnit(1), 'EUR'), 'validation', 'quantity');
    });
  });

  describe('arithmetic', () => {
    it('adds, subtracts, sums and compares amounts of one currency', () => {
      const a = fromMinor(125, 'EUR');
      const b = fromMinor(75n, 'EUR');
      expect(addMoney(a, b)).toEqual({ currency: 'EUR', minor: 200n });
      expect(subtractMoney(b, a)).toEqual({ currency: 'EUR', minor: -50n });
      expect(sumMoney('EUR', [a, b, a])).toEqual({ currency: 'EUR', minor: 325n });
      expect(sumMoney('EUR', [])).toEqual(zero('EUR'));
      expect(compareMoney(a, b)).toBe(1);
      expect(compareMoney(b, a)).toBe(-1);
      expect(compareMoney(a, a)).toBe(0);
    });

    it('refuses to mix currencies', () => {
      expectDomainError(() => addMoney(zero('EUR'), zero('USD')), 'validation', 'currency', /cannot add EUR and USD/);
      expectDomainError(() => subtractMoney(zero('EUR'), zero('JPY')), 'validation', 'currency');
    });

    it('rejects minor amounts that are not whole numbers', () => {
      expectDomainError(() => fromMinor(1.5, 'EUR'), 'validation', 'minor');
      expectDomainError(() => fromMinor('1.5', 'EUR'), 'validation', 'minor');
      expectDomainError(() => zero('XYZ'), 'validation', 'currency');
    });
  });
});
