// The organization's calendar as the API defines it: local days and ISO weeks
// in its IANA time zone (luxon, so DST days are 23 or 25 hours, exactly as the
// server counts them). Only the current-period chart needs it, and loads it.
import { DateTime } from 'luxon';
import type { ResetPeriod } from '../api/tally-api';

export interface LocalDay {
  /** The organization's local date, "YYYY-MM-DD". */
  readonly day: string;
  readonly start: string;
  readonly end: string;
}

export interface QuotaWindowSpan {
  readonly start: string;
  readonly end: string;
  /** Index of the first and last local day of the period the window covers. */
  readonly firstDay: number;
  readonly lastDay: number;
}

const local = (iso: string, timeZone: string) => DateTime.fromISO(iso, { zone: timeZone });

export function localDaysOf(periodStart: string, periodEnd: string, timeZone: string): LocalDay[] {
  const end = local(periodEnd, timeZone);
  const days: LocalDay[] = [];
  for (let day = local(periodStart, timeZone).startOf('day'); day < end; day = day.plus({ days: 1 })) {
    days.push({ day: day.toISODate() ?? '', start: day.toUTC().toISO() ?? '', end: day.plus({ days: 1 }).toUTC().toISO() ?? '' });
  }
  return days;
}

/** The quota windows of a reset period within the billing period, clipped to it, as the server places usage. */
export function quotaWindowsOf(days: readonly LocalDay[], resetPeriod: ResetPeriod | string, timeZone: string): QuotaWindowSpan[] {
  if (days.length === 0) return [];
  const span = (firstDay: number, lastDay: number): QuotaWindowSpan => ({ start: days[firstDay].start, end: days[lastDay].end, firstDay, lastDay });
  if (resetPeriod === 'DAILY') return days.map((_, index) => span(index, index));
  if (resetPeriod !== 'WEEKLY') return [span(0, days.length - 1)];
  const windows: QuotaWindowSpan[] = [];
  let first = 0;
  days.forEach((day, index) => {
    const startsWeek = local(day.start, timeZone).weekday === 1;
    if (startsWeek && index > first) {
      windows.push(span(first, index - 1));
      first = index;
    }
  });
  windows.push(span(first, days.length - 1));
  return windows;
}

/** The index of the local day an instant falls in, or -1 outside the period. */
export function dayIndexOf(days: readonly LocalDay[], instant: string): number {
  const at = Date.parse(instant);
  return days.findIndex((day) => Date.parse(day.start) <= at && at < Date.parse(day.end));
}
