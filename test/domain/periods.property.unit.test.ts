// Properties of periods and windows on random instants (2000–2100), anchors and tricky time zones.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  billingPeriodAt,
  billingPeriodsInWindow,
  containsInstant,
  nextBillingPeriod,
  periodKey,
  previousBillingPeriod,
  quotaWindowAt,
  quotaWindowsInPeriod,
  RESET_PERIODS,
  type BillingSettings,
  type Interval,
} from '../../src/domain/periods';

// Zones with whole-hour, half-hour (Kolkata, Lord_Howe's 30-minute DST) and
// 45-minute (Chatham) offsets, and two whose clocks change at midnight
// (Santiago skips it, Havana repeats it).
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Havana',
];

const instantArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59.999Z'), noInvalidDate: true });
const settingsArb: fc.Arbitrary<BillingSettings> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  billingAnchorDay: fc.integer({ min: 1, max: 31 }),
});
const resetArb = fc.constantFrom(...RESET_PERIODS);

const ms = (date: Date): number => date.getTime();
const HOUR = 3_600_000;
const localDate = (instant: number, zone: string): string => DateTime.fromMillis(instant, { zone }).toISODate() ?? '';

function expectContiguous(windows: readonly Interval[], whole: Interval): void {
  expect(windows.length).toBeGreaterThan(0);
  expect(ms(windows[0].start)).toBe(ms(whole.start));
  expect(ms(windows[windows.length - 1].end)).toBe(ms(whole.end));
  windows.forEach((window, index) => {
    expect(ms(window.end)).toBeGreaterThan(ms(window.start));
    if (index > 0) expect(ms(window.start)).toBe(ms(windows[index - 1].end));
  });
}

describe('period properties', () => {
  it('puts every instant in exactly one quota window, the one quotaWindowAt returns', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, resetArb, (instant, settings, reset) => {
        const window = quotaWindowAt(instant, reset, settings);
        expect(containsInstant(window, instant)).toBe(true);
        const period = billingPeriodAt(instant, settings);
        const holding = quotaWindowsInPeriod(period, reset, settings).filter((candidate) => containsInstant(candidate, instant));
        expect(holding).toEqual([window]);
      }),
      { numRuns: 400 },
    );
  });

  it('covers each billing period with contiguous, non-overlapping daily, weekly and monthly windows', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, fc.constantFrom('DAILY' as const, 'WEEKLY' as const, 'MONTHLY' as const), (instant, settings, reset) => {
        const period = billingPeriodAt(instant, settings);
        expectContiguous(quotaWindowsInPeriod(period, reset, settings), period);
      }),
      { numRuns: 300 },
    );
  });

  it('makes each day a whole local day of 23 to 25 hours, starting when the local date changes', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, (instant, settings) => {
        const day = quotaWindowAt(instant, 'DAILY', settings);
        const length = ms(day.end) - ms(day.start);
        expect(length).toBeGreaterThanOrEqual(23 * HOUR);
        expect(length).toBeLessThanOrEqual(25 * HOUR);
        const zone = settings.timeZone;
        expect(localDate(ms(day.start) - 1, zone) < localDate(ms(day.start), zone)).toBe(true);
        expect(localDate(ms(day.end) - 1, zone)).toBe(localDate(ms(day.start), zone));
      }),
      { numRuns: 400 },
    );
  });

  it('starts each week on a local Monday unless the billing period starts mid-week', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, (instant, settings) => {
        const week = quotaWindowAt(instant, 'WEEKLY', settings);
        const period = billingPeriodAt(instant, settings);
        const startsOnMonday = DateTime.fromMillis(ms(week.start), { zone: settings.timeZone }).weekday === 1;
        expect(startsOnMonday || ms(week.start) === ms(period.start)).toBe(true);
        expect(ms(week.end) - ms(week.start)).toBeLessThanOrEqual(7 * 24 * HOUR + HOUR);
      }),
    );
  });

  it('starts billing periods at local midnight of the anchor day, or the last day of a shorter month', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, (instant, settings) => {
        const period = billingPeriodAt(instant, settings);
        expect(containsInstant(period, instant)).toBe(true);
        const zone = settings.timeZone;
        for (const boundary of [period.start, period.end]) {
          const local = DateTime.fromMillis(ms(boundary), { zone });
          expect(local.day).toBe(Math.min(settings.billingAnchorDay, local.daysInMonth ?? 31));
          expect(localDate(ms(boundary) - 1, zone) < (local.toISODate() ?? '')).toBe(true);
        }
        expect(periodKey(period, settings)).toBe(DateTime.fromMillis(ms(period.start), { zone }).toFormat('yyyy-MM'));
      }),
      { numRuns: 400 },
    );
  });

  it('chains billing periods without gaps or overlaps', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, (instant, settings) => {
        const period = billingPeriodAt(instant, settings);
        const next = nextBillingPeriod(period, settings);
        expect(ms(next.start)).toBe(ms(period.end));
        expect(periodKey(next, settings) > periodKey(period, settings)).toBe(true);
        expect(ms(previousBillingPeriod(period, settings).end)).toBe(ms(period.start));
        expect(previousBillingPeriod(next, settings)).toEqual(period);
      }),
    );
  });

  it('makes quarters and years unions of 3 and 12 billing periods starting in Jan/Apr/Jul/Oct and Jan', () => {
    fc.assert(
      fc.property(instantArb, settingsArb, fc.constantFrom('QUARTERLY' as const, 'YEARLY' as const), (instant, settings, reset) => {
        const window = quotaWindowAt(instant, reset, settings);
        const periods = billingPeriodsInWindow(window, settings);
        expect(periods).toHaveLength(reset === 'QUARTERLY' ? 3 : 12);
        expectContiguous(periods, window);
        const firstMonth = Number(periodKey(periods[0], settings).slice(5));
        expect(reset === 'QUARTERLY' ? [1, 4, 7, 10] : [1]).toContain(firstMonth);
        expect(periods).toContainEqual(billingPeriodAt(instant, settings));
      }),
      { numRuns: 200 },
    );
  });
});
