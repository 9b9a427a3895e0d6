// Tally's money in Stripe's units. Tally counts minor units as ISO 4217 defines
// them (currency.ts); Stripe's API does too except for a few currencies it keeps
// for backwards compatibility, so amounts and prices go through here and never
// through ad-hoc arithmetic. Exact throughout (decimal.js via MoneyDecimal).
import { currencyExponent } from '../../domain/currency';
import { MoneyDecimal, parsePricePerUnit } from '../../domain/money';
import { InvalidStripeRequestError } from '../../application/ports/stripe-gateway';
import { DomainError } from '../../domain/domain-error';

/**
 * Currencies whose minor unit in Stripe's API differs from ISO 4217
 * (docs.stripe.com/currencies, "zero-decimal" and "special cases"):
 * ISK stays two-decimal in the API (100 = 1 króna) though ISO has no decimals;
 * MGA is zero-decimal in the API though ISO gives it two.
 */
const STRIPE_EXPONENT_OVERRIDES: Readonly<Record<string, number>> = Object.freeze({ ISK: 2, MGA: 0 });

/** Stripe's `unit_amount_decimal` allows at most 12 decimal places. */
const STRIPE_DECIMAL_PLACES = 12;

const MAJOR_AMOUNT_TEXT = /^\d+(\.\d+)?$/;

/** Runs a domain check, reporting its validation failure as a request Tally will not send. */
function checked<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DomainError) throw new InvalidStripeRequestError(field, error.message);
    throw error;
  }
}

function isoExponent(currency: string): number {
  return checked('currency', () => currencyExponent(currency));
}

/** How many decimals Stripe's integer `amount` has for the currency. */
export function stripeExponent(currency: string): number {
  const iso = isoExponent(currency);
  return STRIPE_EXPONENT_OVERRIDES[currency] ?? iso;
}

/** The currency code as Stripe wants it: validated ISO 4217, lower case. */
export function stripeCurrency(currency: string): string {
  isoExponent(currency);
  return currency.toLowerCase();
}

/**
 * A major-unit amount ('1.25' EUR, '21' JPY, '0.125' BHD) as Stripe's integer
 * `amount` (125, 21, 125). The amount must already be rounded to the currency,
 * because Tally rounds once, at the line; rounding again here would hide a bug.
 */
export function stripeMinorAmount(amount: string, currency: string): number {
  if (typeof amount !== 'string' || !MAJOR_AMOUNT_TEXT.test(amount)) {
    throw new InvalidStripeRequestError('amount', `amount ${JSON.stringify(amount)} is not a non-negative decimal in major units (e.g. "1.25")`);
  }
  const exact = new MoneyDecimal(amount);
  const iso = isoExponent(currency);
  if (exact.decimalPlaces() > iso) {
    throw new InvalidStripeRequestError('amount', `amount ${amount} has more decimals than ${currency} has (${iso}); round it at the line first`);
  }
  const minor = exact.times(new MoneyDecimal(10).pow(stripeExponent(currency)));
  if (!minor.isInteger()) {
    throw new InvalidStripeRequestError('amount', `amount ${amount} ${currency} is not a whole number of Stripe's ${currency} units`);
  }
  if (minor.greaterThan(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidStripeRequestError('amount', `amount ${amount} ${currency} is too large to send to Stripe`);
  }
  return minor.toNumber();
}

/**
 * A per-unit price in Tally's (ISO) minor units as Stripe's `unit_amount_decimal`,
 * in Stripe's minor units as a plain decimal string ('0.1' stays '0.1' for EUR;
 * '5' ISK becomes '500').
 */
export function stripeUnitAmountDecimal(priceMinor: string, currency: string): string {
  const price = checked('unitAmountDecimal', () => parsePricePerUnit(priceMinor, 'unitAmountDecimal'));
  const shift = stripeExponent(currency) - isoExponent(currency);
  const stripePrice = price.times(new MoneyDecimal(10).pow(shift));
  if (stripePrice.decimalPlaces() > STRIPE_DECIMAL_PLACES) {
    throw new InvalidStripeRequestError('unitAmountDecimal', `price ${priceMinor} ${currency} needs more than ${STRIPE_DECIMAL_PLACES} decimals in Stripe's units`);
  }
  return stripePrice.toFixed();
}
