// Names billing periods the way people do ("2026-11"): the period whose start
// falls in that month of the organization's own calendar.
import { DateTime } from 'luxon';
import { validationError } from './domain-error';
import { billingPeriodAt, periodKey, type BillingSettings, type Interval } from './periods';

export const PERIOD_KEY_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function billingPeriodForKey(key: string, settings: BillingSettings): Interval {
  const match = PERIOD_KEY_PATTERN.exec(key);
  if (!match) throw validationError('period', `period must be a year and month such as "2026-11", got ${JSON.stringify(key)}`);
  const month = DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: 1, hour: 12 }, { zone: settings.timeZone });
  // The period starts on the anchor day, or on the month's last day when the month is shorter.
  const startDay = month.set({ day: Math.min(settings.billingAnchorDay, month.daysInMonth ?? 28) });
  const period = billingPeriodAt(startDay.toJSDate(), settings);
  if (periodKey(period, settings) !== key) throw validationError('period', `no billing period starts in ${key}`);
  return period;
}
