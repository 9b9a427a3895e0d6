// Numbers as the console shows them. Amounts are the API's exact decimal
// strings with their currency, never re-computed from floating point.
const QUANTITY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

export const formatQuantity = (quantity: number): string => QUANTITY.format(quantity);

export const formatAmount = (decimal: string, currency: string): string => `${decimal} ${currency}`;

/** Per-currency totals, e.g. "12.50 EUR" or "12.50 EUR + 3 JPY"; "0" when there are none. */
export function formatTotals(totals: readonly { overageAmountDecimal: string; currency: string }[], fallbackCurrency?: string | null): string {
  if (totals.length === 0) return fallbackCurrency ? formatAmount('0.00', fallbackCurrency) : '0';
  return totals.map((total) => formatAmount(total.overageAmountDecimal, total.currency)).join(' + ');
}
