// Exact money: prices as decimals in the currency's minor unit, amounts as integer
// minor units. JavaScript floats cannot represent 0.1 cent exactly, so every price
// and product goes through decimal.js, and an amount is rounded exactly once — at
// the line — to a whole minor unit.

import { Decimal } from 'decimal.js';
import { currencyExponent } from './currency';
import { validationError } from './domain-error';

/**
 * Commercial rounding: halves round away from zero (0.5 → 1, 1234.5 → 1235).
 * It is what invoices and most tax authorities expect, and the one rounding mode
 * Tally uses anywhere money is rounded.
 */
export const ROUNDING_MODE: Decimal.Rounding = Decimal.ROUND_HALF_UP;

/**
 * A private decimal.js constructor. Cloning keeps our configuration away from the
 * global `Decimal` other code (and libraries) may configure differently. 40
 * significant digits hold any safe-integer quantity times any accepted price
 * (≤ 15 integer digits + 4 decimals) without rounding.
 */
export const MoneyDecimal: typeof Decimal = Decimal.clone({ precision: 40, rounding: ROUNDING_MODE });

/** Prices are minor units with at most this many decimals (0.0001 of a cent). */
export const PRICE_DECIMAL_PLACES = 4;

/** Prices must stay below this many minor units, which keeps every product exact. */
export const MAX_PRICE_MINOR = '1000000000000000';

/** An amount of money in integer minor units (cents for EUR, yen for JPY), already rounded. */
export interface Money {
  readonly currency: string;
  readonly minor: bigint;
}

// Only plain decimals: no exponent, hex, "Infinity" or surrounding spaces, which
// decimal.js would otherwise accept.
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * Validates a per-unit price given in minor units ("5" = 5 cents, "0.1" = a tenth
 * of a cent). Numbers are read through their shortest string form, so 0.1 means
 * exactly one tenth and not the binary float closest to it.
 */
export function parsePricePerUnit(value: string | number, field = 'pricePerUnit'): Decimal {
  // A quota's price is priced at every write an overage alert watches; decimals are immutable, so a valid one is kept.
  const known = validPrices.get(value);
  if (known) return known;
  const price = checkedPrice(value, field);
  if (validPrices.size >= MAX_REMEMBERED_PRICES) validPrices.clear();
  validPrices.set(value, price);
  return price;
}

const validPrices = new Map<string | number, Decimal>();
const MAX_REMEMBERED_PRICES = 10_000;

function checkedPrice(value: string | number, field: string): Decimal {
  let price: Decimal;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw validationError(field, `${field} must be a finite number, got ${String(value)}`);
    }
    price = new MoneyDecimal(String(value));
    // A binary float cannot hold most decimals: 0.3 may arrive as 0.30000000000000004. A number within
    // float noise of a price with four decimals means that price.
    const intended = price.toDecimalPlaces(PRICE_DECIMAL_PLACES);
    if (price.decimalPlaces() > PRICE_DECIMAL_PLACES && intended.minus(price).abs().lte(price.abs().times(1e-12))) price = intended;
  } else if (typeof value === 'string') {
    if (!DECIMAL_TEXT.test(value)) {
      throw validationError(field, `${field} ${JSON.stringify(value)} is not a decimal number (expected e.g. "5" or "0.1")`);
    }
    price = new MoneyDecimal(value);
  } else {
    throw validationError(field, `${field} must be a decimal string or a number`);
  }

  if (price.isZero()) return new MoneyDecimal(0); // also turns "-0" into 0
  if (price.isNegative()) {
    throw validationError(field, `${field} ${JSON.stringify(String(value))} must not be negative`);
  }
  if (price.decimalPlaces() > PRICE_DECIMAL_PLACES) {
    throw validationError(
      field,
      `${field} ${JSON.stringify(String(value))} has more than ${PRICE_DECIMAL_PLACES} decimal places (prices are minor units, e.g. "0.1" is a tenth of a cent)`,
    );
  }
  if (price.gte(MAX_PRICE_MINOR)) {
    throw validationError(field, `${field} ${JSON.stringify(String(value))} must be below ${MAX_PRICE_MINOR} minor units`);
  }
  return price;
}

/**
 * Validates a usage quantity (non-negative and finite; fractions are allowed, e.g.
 * gigabytes) and converts it to an exact decimal.
 */
export function parseQuantity(value: number | bigint | Decimal, field = 'quantity'): Decimal {
  let quantity: Decimal;
  if (typeof value === 'bigint') {
    quantity = new MoneyDecimal(value.toString());
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw validationError(field, `${field} must be a finite number, got ${String(value)}`);
    }
    // Whole numbers are exact as they are (and decimal.js takes small ones without parsing text).
    quantity = Number.isSafeInteger(value) ? new MoneyDecimal(value) : new MoneyDecimal(String(value));
  } else if (Decimal.isDecimal(value)) {
    if (!value.isFinite()) {
      throw validationError(field, `${field} must be a finite number, got ${value.toString()}`);
    }
    // Re-create with our constructor: decimal.js takes precision from the
    // instance's own constructor, which may be the global one.
    quantity = new MoneyDecimal(value);
  } else {
    throw validationError(field, `${field} must be a number`);
  }
  if (quantity.isNegative() && !quantity.isZero()) {
    throw validationError(field, `${field} must not be negative, got ${quantity.toString()}`);
  }
  return quantity.isZero() ? new MoneyDecimal(0) : quantity;
}

/** The amount of one line: quantity × price per unit, rounded once to a whole minor unit. */
export function lineAmount(quantity: number | bigint | Decimal, pricePerUnitMinor: Decimal, currency: string): Money {
  const exactQuantity = parseQuantity(quantity);
  return roundMinor(exactQuantity.times(new MoneyDecimal(pricePerUnitMinor)), currency);
}

/**
 * Rounds an exact amount in minor units (computed elsewhere, e.g. the sum of a
 * line's tiers) to whole minor units with ROUNDING_MODE.
 */
export function roundMinor(unroundedMinor: Decimal, currency: string): Money {
  currencyExponent(currency);
  const exact = new MoneyDecimal(unroundedMinor);
  if (!exact.isFinite()) {
    throw validationError('amount', `amount must be finite, got ${exact.toString()}`);
  }
  const rounded = exact.toDecimalPlaces(0, ROUNDING_MODE);
  return { currency, minor: BigInt(rounded.toFixed(0)) };
}

export function zero(currency: string): Money {
  currencyExponent(currency);
  return { currency, minor: 0n };
}

/** Money from integer minor units, e.g. as stored in a read model. */
export function fromMinor(minor: bigint | number | string, currency: string): Money {
  currencyExponent(currency);
  if (typeof minor === 'bigint') return { currency, minor };
  if (typeof minor === 'number' && Number.isSafeInteger(minor)) return { currency, minor: BigInt(minor) };
  if (typeof minor === 'string' && /^-?\d+$/.test(minor)) return { currency, minor: BigInt(minor) };
  throw validationError('minor', `minor ${JSON.stringify(String(minor))} is not a whole number of minor units`);
}

function assertSameCurrency(a: Money, b: Money, operation: string): void {
  if (a.currency !== b.currency) {
    throw validationError('currency', `cannot ${operation} ${a.currency} and ${b.currency} amounts`);
  }
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b, 'add');
  return { currency: a.currency, minor: a.minor + b.minor };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b, 'subtract');
  return { currency: a.currency, minor: a.minor - b.minor };
}

/** Sum of amounts in one currency; zero for an empty list. */
export function sumMoney(currency: string, amounts: Iterable<Money>): Money {
  let total = zero(currency);
  for (const amount of amounts) total = addMoney(total, amount);
  return total;
}

/** -1, 0 or 1, like a sort comparator. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b, 'compare');
  if (a.minor === b.minor) return 0;
  return a.minor < b.minor ? -1 : 1;
}

/** The amount in major units with exactly the currency's decimals: "1.20" EUR, "100" JPY, "0.125" BHD. */
export function toMajorString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const negative = m.minor < 0n;
  const digits = (negative ? -m.minor : m.minor).toString().padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${major}` : major;
}

/**
 * The amount in major units as a JSON number (1.25). Parsing the exact decimal
 * string gives the closest double, which prints back as the same digits.
 */
export function toMajorNumber(m: Money): number {
  return Number(toMajorString(m));
}
