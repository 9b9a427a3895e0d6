// How much usage Tally adds up exactly. Quantities are JavaScript numbers,
// exact up to 2^53; a feature's usage in one billing period is kept within
// 2^49 − 1 (562,949,953,421,311 units), so even a yearly window of twelve
// periods, and every partial sum of its days, stays exact. Usage that would go
// past the bound is refused with a 400 naming it, never rounded.
import { dailyUsageKey, usageDayOf } from './daily-usage';
import { validationError } from './domain-error';
import type { UsageEvent } from './events';

export const MAX_PERIOD_QUANTITY = 2 ** 49 - 1;

const formatted = (quantity: number) => quantity.toLocaleString('en');

/** What the ledger knows of a feature's usage in a period, before the command at hand. */
export interface RecordedQuantities {
  quantityOn(feature: string, billingPeriodStart: string, day: string): number;
  magnitude(feature: string, billingPeriodStart: string): number;
}

/** Checks each counted event of one command against the bound, including the command's own earlier items. */
export class PeriodQuantityGuard {
  private readonly days = new Map<string, number>();
  private readonly magnitudes = new Map<string, number>();

  constructor(
    private readonly recorded: RecordedQuantities,
    private readonly timeZone: string,
  ) {}

  /** For features that add up ('sum'); a reading of 'max'/'latest' features is bounded on its own. */
  admit(event: UsageEvent, field: string): void {
    const { feature, quantity, billingPeriod } = event.data;
    const day = usageDayOf(event, this.timeZone);
    const dayKey = dailyUsageKey(feature, billingPeriod.start, day);
    const magnitudeKey = `${feature}|${billingPeriod.start}`;
    const dayBefore = this.days.get(dayKey) ?? this.recorded.quantityOn(feature, billingPeriod.start, day);
    const magnitudeBefore = this.magnitudes.get(magnitudeKey) ?? this.recorded.magnitude(feature, billingPeriod.start);
    const dayAfter = dayBefore + quantity;
    const magnitudeAfter = magnitudeBefore - Math.abs(dayBefore) + Math.abs(dayAfter);
    if (magnitudeAfter > MAX_PERIOD_QUANTITY) {
      throw validationError(
        field,
        `${field} ${formatted(quantity)} would take ${feature}'s usage in the billing period from ${billingPeriod.start} past ${formatted(MAX_PERIOD_QUANTITY)} units, the most Tally adds up exactly`,
      );
    }
    this.days.set(dayKey, dayAfter);
    this.magnitudes.set(magnitudeKey, magnitudeAfter);
  }
}
