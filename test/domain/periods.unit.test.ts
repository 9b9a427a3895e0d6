// Specification of billing periods and quota windows: anchors, short months, DST days and weeks, quarters and years.
import { DomainError } from '../../src/domain/domain-error';
import {
  billingPeriodAt,
  billingPeriodsInWindow,
  containsInstant,
  nextBillingPeriod,
  periodKey,
  previousBillingPeriod,
  quotaWindowAt,
  quotaWindowKey,
  quotaWindowsInPeriod,
  spansSeveralBillingPeriods,
  validateBillingSettings,
  type BillingSettings,
  type Interval,
  type ResetPeriod,
} from '../../src/domain/periods';

const at = (iso: string): Date => new Date(iso);
const span = (i: Interval): [string, string] => [i.start.toISOString(), i.end.toISOString()];
const hours = (i: Interval): number => (i.end.getTime() - i.start.getTime()) / 3_600_000;

function expectDomainError(run: () => unknown, field: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  expect(thrown).toMatchObject({ code: 'validation', field });
  if (message) expect((thrown as DomainError).message).toMatch(message);
}

const utc = (billingAnchorDay: number): BillingSettings => ({ timeZone: 'UTC', billingAnchorDay });
const berlin: BillingSettings = { timeZone: 'Europe/Berlin', billingAnchorDay: 1 };
const newYork: BillingSettings = { timeZone: 'America/New_York', billingAnchorDay: 1 };

describe('billing periods', () => {
  describe('with anchor day 1 in UTC', () => {
    it('runs from the first of the month to the first of the next', () => {
      const period = billingPeriodAt(at('2026-11-15T10:00:00Z'), utc(1));
      expect(span(period)).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
      expect(periodKey(period, utc(1))).toBe('2026-11');
    });

    it('is half-open: the first instant of the next month belongs to the next period', () => {
      expect(span(billingPeriodAt(at('2026-12-01T00:00:00Z'), utc(1)))[0]).toBe('2026-12-01T00:00:00.000Z');
      expect(span(billingPeriodAt(at('2026-11-30T23:59:59.999Z'), utc(1)))[0]).toBe('2026-11-01T00:00:00.000Z');
    });

    it('crosses the year end', () => {
      const december = billingPeriodAt(at('2026-12-31T12:00:00Z'), utc(1));
      expect(span(nextBillingPeriod(december, utc(1)))).toEqual(['2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z']);
      expect(span(previousBillingPeriod(december, utc(1)))).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    });
  });

  describe('with anchor day 15 in UTC', () => {
    it('runs from the 15th to the 15th and is named after the month it starts in', () => {
      const period = billingPeriodAt(at('2026-11-10T10:00:00Z'), utc(15));
      expect(span(period)).toEqual(['2026-10-15T00:00:00.000Z', '2026-11-15T00:00:00.000Z']);
      expect(periodKey(period, utc(15))).toBe('2026-10');
      expect(span(billingPeriodAt(at('2026-11-15T00:00:00Z'), utc(15)))[0]).toBe('2026-11-15T00:00:00.000Z');
    });
  });

  describe('when the month is shorter than the anchor day', () => {
    it('starts on the month’s last day and returns to the anchor after (2026: Jan 31 → Feb 28 → Mar 31)', () => {
      const january = billingPeriodAt(at('2026-02-10T00:00:00Z'), utc(31));
      expect(span(january)).toEqual(['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
      const february = nextBillingPeriod(january, utc(31));
      expect(span(february)).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
      expect(periodKey(february, utc(31))).toBe('2026-02');
      expect(span(nextBillingPeriod(february, utc(31)))).toEqual(['2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z']);
    });

    it('uses February 29 in a leap year (2028)', () => {
      expect(span(billingPeriodAt(at('2028-03-10T00:00:00Z'), utc(31)))).toEqual(['2028-02-29T00:00:00.000Z', '2028-03-31T00:00:00.000Z']);
      expect(span(billingPeriodAt(at('2028-03-10T00:00:00Z'), utc(30)))).toEqual(['2028-02-29T00:00:00.000Z', '2028-03-30T00:00:00.000Z']);
    });
  });

  describe('in an organization’s time zone', () => {
    it('starts at local midnight (Berlin, winter time)', () => {
      expect(span(billingPeriodAt(at('2026-03-15T12:00:00Z'), berlin))).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    });

    it('is an hour shorter across the spring change and an hour longer across the autumn one', () => {
      expect(hours(billingPeriodAt(at('2026-03-15T12:00:00Z'), berlin))).toBe(31 * 24 - 1);
      expect(hours(billingPeriodAt(at('2026-10-15T12:00:00Z'), berlin))).toBe(31 * 24 + 1);
      expect(hours(billingPeriodAt(at('2026-11-15T12:00:00Z'), newYork))).toBe(30 * 24 + 1); // clocks go back on Nov 1
      expect(hours(billingPeriodAt(at('2026-12-15T12:00:00Z'), newYork))).toBe(31 * 24);
      expect(hours(billingPeriodAt(at('2026-03-15T12:00:00Z'), newYork))).toBe(31 * 24 - 1);
    });

    it('puts an instant in the period of its local date (00:30 on Nov 1 in Berlin is November)', () => {
      const period = billingPeriodAt(at('2026-10-31T23:30:00Z'), berlin);
      expect(periodKey(period, berlin)).toBe('2026-11');
      expect(span(period)[0]).toBe('2026-10-31T23:00:00.000Z');
    });
  });
});

describe('daily quota windows', () => {
  describe('across the DST changes in Europe/Berlin', () => {
    it('lasts 23 hours on 2026-03-29', () => {
      const day = quotaWindowAt(at('2026-03-29T12:00:00Z'), 'DAILY', berlin);
      expect(span(day)).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
      expect(quotaWindowKey(day, 'DAILY', berlin)).toBe('2026-03-29');
    });

    it('lasts 25 hours on 2026-10-25', () => {
      const day = quotaWindowAt(at('2026-10-25T12:00:00Z'), 'DAILY', berlin);
      expect(span(day)).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    });
  });

  describe('across the DST changes in America/New_York', () => {
    it('lasts 23 hours on 2026-03-08', () => {
      expect(span(quotaWindowAt(at('2026-03-08T12:00:00Z'), 'DAILY', newYork))).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    });

    it('lasts 25 hours on 2026-11-01', () => {
      expect(span(quotaWindowAt(at('2026-11-01T12:00:00Z'), 'DAILY', newYork))).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    });
  });

  it('follows half-hour DST changes (Australia/Lord_Howe, 2026-04-05: 24.5 hours)', () => {
    expect(hours(quotaWindowAt(at('2026-04-05T03:00:00Z'), 'DAILY', { timeZone: 'Australia/Lord_Howe', billingAnchorDay: 1 }))).toBe(24.5);
  });

  it('starts a day when clocks jump over midnight (America/Santiago, 2022-09-11)', () => {
    const day = quotaWindowAt(at('2022-09-11T12:00:00Z'), 'DAILY', { timeZone: 'America/Santiago', billingAnchorDay: 1 });
    expect(span(day)).toEqual(['2022-09-11T04:00:00.000Z', '2022-09-12T03:00:00.000Z']);
  });

  it('starts a day at the first of two midnights (America/Havana, 2022-11-06)', () => {
    const day = quotaWindowAt(at('2022-11-06T12:00:00Z'), 'DAILY', { timeZone: 'America/Havana', billingAnchorDay: 1 });
    expect(span(day)).toEqual(['2022-11-06T04:00:00.000Z', '2022-11-07T05:00:00.000Z']);
  });

  it('covers the billing period day by day, with the DST day among them', () => {
    const period = billingPeriodAt(at('2026-03-15T12:00:00Z'), berlin);
    const days = quotaWindowsInPeriod(period, 'DAILY', berlin);
    expect(days).toHaveLength(31);
    expect(days[0].start).toEqual(period.start);
    expect(days[30].end).toEqual(period.end);
    expect(days.map(hours).filter((h) => h !== 24)).toEqual([23]);
  });
});

describe('weekly quota windows', () => {
  it('run Monday to Monday and are clipped to the billing period (Berlin, March 2026)', () => {
    const period = billingPeriodAt(at('2026-03-15T12:00:00Z'), berlin);
    const weeks = quotaWindowsInPeriod(period, 'WEEKLY', berlin);
    expect(weeks.map(span)).toEqual([
      ['2026-02-28T23:00:00.000Z', '2026-03-01T23:00:00.000Z'], // Sunday March 1 alone
      ['2026-03-01T23:00:00.000Z', '2026-03-08T23:00:00.000Z'],
      ['2026-03-08T23:00:00.000Z', '2026-03-15T23:00:00.000Z'],
      ['2026-03-15T23:00:00.000Z', '2026-03-22T23:00:00.000Z'],
      ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // 167 hours: DST starts on the 29th
      ['2026-03-29T22:00:00.000Z', '2026-03-31T22:00:00.000Z'], // Monday and Tuesday, then April
    ]);
    expect(quotaWindowKey(weeks[1], 'WEEKLY', berlin)).toBe('2026-03-02');
  });

  it('last 169 hours across the autumn change and stop at the period end (Berlin, October 2026)', () => {
    expect(hours(quotaWindowAt(at('2026-10-21T12:00:00Z'), 'WEEKLY', berlin))).toBe(169);
    expect(span(quotaWindowAt(at('2026-10-27T12:00:00Z'), 'WEEKLY', berlin))).toEqual(['2026-10-25T23:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect(span(quotaWindowAt(at('2026-11-01T12:00:00Z'), 'WEEKLY', berlin))).toEqual(['2026-10-31T23:00:00.000Z', '2026-11-01T23:00:00.000Z']);
  });

  it('follow a mid-month anchor (New York, anchor 15, Feb 15 – Mar 15 2026)', () => {
    const settings: BillingSettings = { timeZone: 'America/New_York', billingAnchorDay: 15 };
    const period = billingPeriodAt(at('2026-03-01T12:00:00Z'), settings);
    expect(span(period)).toEqual(['2026-02-15T05:00:00.000Z', '2026-03-15T04:00:00.000Z']);
    expect(quotaWindowsInPeriod(period, 'WEEKLY', settings).map(hours)).toEqual([24, 168, 168, 167, 144]);
  });
});

describe('monthly quota windows', () => {
  it('are the billing period itself', () => {
    const period = billingPeriodAt(at('2026-11-10T00:00:00Z'), utc(15));
    expect(quotaWindowAt(at('2026-11-10T00:00:00Z'), 'MONTHLY', utc(15))).toEqual(period);
    expect(quotaWindowsInPeriod(period, 'MONTHLY', utc(15))).toEqual([period]);
    expect(quotaWindowKey(period, 'MONTHLY', utc(15))).toBe('2026-10');
  });
});

describe('quarterly and yearly quota windows', () => {
  it('group three billing periods by the quarter their start month is in', () => {
    const q2 = quotaWindowAt(at('2026-05-01T00:00:00Z'), 'QUARTERLY', utc(15));
    expect(span(q2)).toEqual(['2026-04-15T00:00:00.000Z', '2026-07-15T00:00:00.000Z']);
    expect(quotaWindowKey(q2, 'QUARTERLY', utc(15))).toBe('2026-Q2');
    // April 10 is still in the period that started March 15, so in Q1.
    const q1 = quotaWindowAt(at('2026-04-10T00:00:00Z'), 'QUARTERLY', utc(15));
    expect(span(q1)).toEqual(['2026-01-15T00:00:00.000Z', '2026-04-15T00:00:00.000Z']);
    expect(billingPeriodsInWindow(q1, utc(15)).map((period) => periodKey(period, utc(15)))).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('group twelve billing periods by the year their start month is in', () => {
    const year = quotaWindowAt(at('2026-01-10T00:00:00Z'), 'YEARLY', utc(15));
    expect(span(year)).toEqual(['2025-01-15T00:00:00.000Z', '2026-01-15T00:00:00.000Z']);
    expect(quotaWindowKey(year, 'YEARLY', utc(15))).toBe('2025');
    expect(billingPeriodsInWindow(year, utc(15))).toHaveLength(12);
  });

  it('are the one window of each of their billing periods', () => {
    const period = billingPeriodAt(at('2026-08-20T00:00:00Z'), berlin);
    expect(quotaWindowsInPeriod(period, 'QUARTERLY', berlin).map(span)).toEqual([['2026-06-30T22:00:00.000Z', '2026-09-30T22:00:00.000Z']]);
    expect(quotaWindowsInPeriod(period, 'YEARLY', berlin).map(span)).toEqual([['2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z']]);
  });

  it('are the reset periods that span several billing periods', () => {
    expect((['DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'YEARLY'] as ResetPeriod[]).filter(spansSeveralBillingPeriods)).toEqual(['QUARTERLY', 'YEARLY']);
  });
});

describe('containsInstant', () => {
  it('includes the start and excludes the end', () => {
    const window = { start: at('2026-01-01T00:00:00Z'), end: at('2026-01-02T00:00:00Z') };
    expect(containsInstant(window, at('2026-01-01T00:00:00Z'))).toBe(true);
    expect(containsInstant(window, at('2026-01-01T23:59:59.999Z'))).toBe(true);
    expect(containsInstant(window, at('2026-01-02T00:00:00Z'))).toBe(false);
  });
});

describe('validating billing settings', () => {
  it('accepts IANA zones and anchors 1 to 31', () => {
    expect(() => validateBillingSettings({ timeZone: 'Asia/Kolkata', billingAnchorDay: 31 })).not.toThrow();
    expect(() => validateBillingSettings(utc(1))).not.toThrow();
  });

  it('rejects an unknown time zone, naming timeZone', () => {
    expectDomainError(() => validateBillingSettings({ timeZone: 'Mars/Olympus_Mons', billingAnchorDay: 1 }), 'timeZone', /"Mars\/Olympus_Mons" is not an IANA time zone/);
    expectDomainError(() => billingPeriodAt(at('2026-01-01T00:00:00Z'), { timeZone: '', billingAnchorDay: 1 }), 'timeZone');
  });

  it('rejects an anchor day outside 1–31, naming billingAnchorDay', () => {
    for (const billingAnchorDay of [0, 32, 1.5, Number.NaN]) {
      expectDomainError(() => validateBillingSettings(utc(billingAnchorDay)), 'billingAnchorDay', /from 1 to 31/);
    }
  });

  it('rejects invalid instants, periods and reset periods', () => {
    expectDomainError(() => billingPeriodAt(new Date(Number.NaN), utc(1)), 'instant');
    const backwards = { start: at('2026-02-01T00:00:00Z'), end: at('2026-01-01T00:00:00Z') };
    expectDomainError(() => quotaWindowsInPeriod(backwards, 'DAILY', utc(1)), 'period', /must end after it starts/);
    expectDomainError(() => quotaWindowAt(at('2026-01-01T00:00:00Z'), 'HOURLY' as ResetPeriod, utc(1)), 'resetPeriod');
  });
});
