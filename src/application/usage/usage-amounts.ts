// Money in answers: a JSON number in major units, as the usage API has always returned it
// (`overageAmount: 1.25`), next to the exact decimal string for anyone who
// must not go through floating point; and totals per currency.
import { currencyExponent } from '../../domain/currency';
import { addMoney, fromMinor, MoneyDecimal, toMajorNumber, toMajorString, zero, type Money } from '../../domain/money';

export interface AmountFields {
  readonly overageAmount: number;
  readonly overageAmountDecimal: string;
}

export interface CurrencyTotal extends AmountFields {
  readonly currency: string;
}

export function moneyFromMajor(decimal: string, currency: string): Money {
  const minor = new MoneyDecimal(decimal).times(new MoneyDecimal(10).pow(currencyExponent(currency)));
  return fromMinor(minor.toFixed(0), currency);
}

export function amountFields(decimal: string, currency: string): AmountFields {
  const money = moneyFromMajor(decimal, currency);
  return { overageAmount: toMajorNumber(money), overageAmountDecimal: toMajorString(money) };
}

/** One total per currency, in code order; the fallback currency at zero when there are no amounts. */
export function currencyTotals(amounts: readonly Money[], fallbackCurrency: string): CurrencyTotal[] {
  const byCurrency = new Map<string, Money>();
  for (const amount of amounts) byCurrency.set(amount.currency, addMoney(byCurrency.get(amount.currency) ?? zero(amount.currency), amount));
  if (byCurrency.size === 0) byCurrency.set(fallbackCurrency, zero(fallbackCurrency));
  return [...byCurrency.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((money) => ({ currency: money.currency, overageAmount: toMajorNumber(money), overageAmountDecimal: toMajorString(money) }));
}
