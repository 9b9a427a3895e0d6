// Billing periods and quota reset windows in an organization's own time zone.
// A period starts at local midnight, so its length in hours varies with DST and
// month length; every boundary is computed from the calendar and the zone's
// offsets (luxon's IANA zone data), never by adding fixed durations.
//
// All intervals are half-open [start, end). Windows of one kind are contiguous
// and never overlap, so every instant belongs to exactly one of them.

import { IANAZone } from 'luxon';
import { validationError } from './domain-error';
import type { IntervalRecord } from './events';

export type ResetPeriod = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'YEARLY';
export const RESET_PERIODS: readonly ResetPeriod[] = Object.freeze(['DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'YEARLY']);

export interface BillingSettings {
  /** IANA zone name, e.g. "Europe/Berlin". */
  readonly timeZone: string;
  /** Day of the month a billing period starts on (1–31); shorter months start on their last day. */
  readonly billingAnchorDay: number;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = Object.freeze({ timeZone: 'UTC', billingAnchorDay: 1 });

export interface Interval {
  readonly start: Date;
  readonly end: Date;
}

export function isResetPeriod(value: unknown): value is ResetPeriod {
  return typeof value === 'string' && (RESET_PERIODS as readonly string[]).includes(value);
}

/** QUARTERLY and YEARLY windows hold several billing periods; bill them with `incrementalCharge`. */
export function spansSeveralBillingPeriods(reset: ResetPeriod): boolean {
  return reset === 'QUARTERLY' || reset === 'YEARLY';
}

export function validateBillingSettings(s: BillingSettings): void {
  if (s === null || typeof s !== 'object') {
    throw validationError('billingSettings', 'billingSettings must be an object with timeZone and billingAnchorDay');
  }
  if (typeof s.timeZone !== 'string' || !isKnownZone(s.timeZone)) {
    throw validationError('timeZone', `timeZone ${JSON.stringify(s.timeZone)} is not an IANA time zone (e.g. "Europe/Berlin")`);
  }
  if (!Number.isInteger(s.billingAnchorDay) || s.billingAnchorDay < 1 || s.billingAnchorDay > 31) {
    throw validationError(
      'billingAnchorDay',
      `billingAnchorDay must be a whole number from 1 to 31, got ${JSON.stringify(s.billingAnchorDay)}`,
    );
  }
}

// ---------------------------------------------------------------------------
// Local calendar arithmetic. Days are numbered like the Unix epoch (day 0 is
// 1970-01-01) and months as year * 12 + (month - 1), so stepping is integer
// arithmetic and only the mapping to instants needs the zone.

const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface Calendar {
  readonly zone: IANAZone;
  readonly anchorDay: number;
}

// Zone validation and offsets go through Intl, which is slow; usage arrives in
// bursts for the same org and the same window, so the last intervals computed
// per calendar are remembered. A pure cache: same inputs, same answers.
const knownZones = new Set<string>();
function isKnownZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  knownZones.add(zone);
  return true;
}

const RECENT_INTERVALS = 8;
const recentIntervals = new Map<string, Interval[]>();

function remembered(key: string, at: number, compute: () => Interval): Interval {
  const recent = recentIntervals.get(key);
  const hit = recent?.find((i) => i.start.getTime() <= at && at < i.end.getTime());
  if (hit) return hit;
  const computed = compute();
  const list = recent ?? [];
  list.unshift(computed);
  if (list.length > RECENT_INTERVALS) list.pop();
  // Bounded: a new key beyond a few thousand calendars starts the cache over.
  if (!recent) {
    if (recentIntervals.size > 4_096) recentIntervals.clear();
    recentIntervals.set(key, list);
  }
  return computed;
}

function calendarOf(s: BillingSettings): Calendar {
  validateBillingSettings(s);
  return { zone: IANAZone.create(s.timeZone), anchorDay: s.billingAnchorDay };
}

function offsetMs(zone: IANAZone, instantMs: number): number {
  return Math.round(zone.offset(instantMs) * MINUTE_MS);
}

function dayNumber(year: number, month: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / DAY_MS;
}

function dateOfDay(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function localDayNumber(zone: IANAZone, instantMs: number): number {
  return Math.floor((instantMs + offsetMs(zone, instantMs)) / DAY_MS);
}

/**
 * The instant a local day begins: its midnight, or — when the clocks jump over
 * midnight (America/Santiago, Asia/Beirut, …) — the jump itself, the first
 * instant the day exists. When midnight happens twice (clocks set back to 00:00)
 * the day begins at the first one. We resolve this ourselves rather than with
 * DateTime.fromObject, whose choice for a repeated time depends on the offset
 * in effect *today*, i.e. on the clock.
 */
function dayStart(zone: IANAZone, day: number): number {
  const wallMidnight = day * DAY_MS;
  const offsetBefore = offsetMs(zone, wallMidnight - DAY_MS);
  const offsetAfter = offsetMs(zone, wallMidnight + DAY_MS);
  const candidates = [wallMidnight - offsetBefore, wallMidnight - offsetAfter].filter(
    (instant) => instant + offsetMs(zone, instant) === wallMidnight,
  );
  if (candidates.length > 0) return Math.min(...candidates);

  // Midnight was skipped: find the first second whose wall clock reads the new day.
  let before = Math.floor((wallMidnight - Math.max(offsetBefore, offsetAfter)) / SECOND_MS);
  let after = Math.ceil((wallMidnight - Math.min(offsetBefore, offsetAfter)) / SECOND_MS);
  const reachedDay = (second: number): boolean => second * SECOND_MS + offsetMs(zone, second * SECOND_MS) >= wallMidnight;
  if (reachedDay(before)) return before * SECOND_MS;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (reachedDay(middle)) after = middle;
    else before = middle;
  }
  return after * SECOND_MS;
}

/** The local day whose [start, next start) holds the instant. */
function dayIndexAt(zone: IANAZone, instantMs: number): number {
  let day = localDayNumber(zone, instantMs);
  while (instantMs < dayStart(zone, day)) day -= 1;
  while (instantMs >= dayStart(zone, day + 1)) day += 1;
  return day;
}

/** ISO weeks start on Monday; day 0 (1970-01-01) was a Thursday. */
function mondayOnOrBefore(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

function weekIndexAt(zone: IANAZone, instantMs: number): number {
  let monday = mondayOnOrBefore(localDayNumber(zone, instantMs));
  while (instantMs < dayStart(zone, monday)) monday -= 7;
  while (instantMs >= dayStart(zone, monday + 7)) monday += 7;
  return monday;
}

function billingPeriodStart(calendar: Calendar, monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const daysInMonth = dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);
  return dayStart(calendar.zone, dayNumber(year, month, Math.min(calendar.anchorDay, daysInMonth)));
}

/** The month index of the billing period holding the instant (named after the month it starts in). */
function billingMonthAt(calendar: Calendar, instantMs: number): number {
  const local = dateOfDay(localDayNumber(calendar.zone, instantMs));
  let monthIndex = local.year * 12 + local.month - 1;
  while (instantMs < billingPeriodStart(calendar, monthIndex)) monthIndex -= 1;
  while (instantMs >= billingPeriodStart(calendar, monthIndex + 1)) monthIndex += 1;
  return monthIndex;
}

function billingMonths(calendar: Calendar, firstMonthIndex: number, count: number): Interval {
  return interval(billingPeriodStart(calendar, firstMonthIndex), billingPeriodStart(calendar, firstMonthIndex + count));
}

// ---------------------------------------------------------------------------

function interval(startMs: number, endMs: number): Interval {
  return { start: new Date(startMs), end: new Date(endMs) };
}

function instantMs(instant: Date, field: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw validationError(field, `${field} must be a valid date`);
  return ms;
}

function intervalMs(i: Interval, field: string): { start: number; end: number } {
  const start = instantMs(i?.start, `${field}.start`);
  const end = instantMs(i?.end, `${field}.end`);
  if (end <= start) throw validationError(field, `${field} must end after it starts`);
  return { start, end };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function billingPeriodAt(instant: Date, s: BillingSettings): Interval {
  const at = instantMs(instant, 'instant');
  validateBillingSettings(s);
  return remembered(`P|${s.timeZone}|${s.billingAnchorDay}`, at, () => {
    const calendar = calendarOf(s);
    return billingMonths(calendar, billingMonthAt(calendar, at), 1);
  });
}

/** The billing period that starts when the given one ends. */
export function nextBillingPeriod(period: Interval, s: BillingSettings): Interval {
  return billingPeriodAt(new Date(intervalMs(period, 'period').end), s);
}

/** The billing period that ends when the given one starts. */
export function previousBillingPeriod(period: Interval, s: BillingSettings): Interval {
  return billingPeriodAt(new Date(intervalMs(period, 'period').start - 1), s);
}

/**
 * The quota window holding the instant. DAILY and WEEKLY windows are clipped to
 * the billing period, so a window never straddles two bills.
 */
export function quotaWindowAt(instant: Date, reset: ResetPeriod, s: BillingSettings): Interval {
  const at = instantMs(instant, 'instant');
  validateBillingSettings(s);
  if (!isResetPeriod(reset)) throw unknownReset(reset);
  return remembered(`W|${reset}|${s.timeZone}|${s.billingAnchorDay}`, at, () => computeQuotaWindowAt(at, reset, s));
}

function computeQuotaWindowAt(at: number, reset: ResetPeriod, s: BillingSettings): Interval {
  const calendar = calendarOf(s);
  const monthIndex = billingMonthAt(calendar, at);
  const period = { start: billingPeriodStart(calendar, monthIndex), end: billingPeriodStart(calendar, monthIndex + 1) };
  const clipped = (start: number, end: number): Interval =>
    interval(Math.max(start, period.start), Math.min(end, period.end));
  switch (reset) {
    case 'DAILY': {
      const day = dayIndexAt(calendar.zone, at);
      return clipped(dayStart(calendar.zone, day), dayStart(calendar.zone, day + 1));
    }
    case 'WEEKLY': {
      const monday = weekIndexAt(calendar.zone, at);
      return clipped(dayStart(calendar.zone, monday), dayStart(calendar.zone, monday + 7));
    }
    case 'MONTHLY':
      return interval(period.start, period.end);
    case 'QUARTERLY':
      return billingMonths(calendar, monthIndex - ((monthIndex % 12) % 3), 3); // month indexes are never negative
    case 'YEARLY':
      return billingMonths(calendar, Math.floor(monthIndex / 12) * 12, 12);
    default:
      throw unknownReset(reset);
  }
}

function unknownReset(reset: never): Error {
  return validationError('resetPeriod', `resetPeriod ${JSON.stringify(reset)} is not one of ${RESET_PERIODS.join(', ')}`);
}

/**
 * The windows to bill for a billing period. DAILY and WEEKLY: the contiguous
 * windows covering the period exactly (the first and last may be partial).
 * MONTHLY: the period itself. QUARTERLY and YEARLY: the one window containing
 * the period, which is larger than it.
 */
export function quotaWindowsInPeriod(period: Interval, reset: ResetPeriod, s: BillingSettings): Interval[] {
  const calendar = calendarOf(s);
  const bounds = intervalMs(period, 'period');
  switch (reset) {
    case 'MONTHLY':
      return [interval(bounds.start, bounds.end)];
    case 'QUARTERLY':
    case 'YEARLY':
      return [quotaWindowAt(new Date(bounds.start), reset, s)];
    case 'DAILY':
    case 'WEEKLY': {
      const windows: Interval[] = [];
      for (let cursor = bounds.start; cursor < bounds.end; ) {
        const next =
          reset === 'DAILY'
            ? dayStart(calendar.zone, dayIndexAt(calendar.zone, cursor) + 1)
            : dayStart(calendar.zone, weekIndexAt(calendar.zone, cursor) + 7);
        const end = Math.min(next, bounds.end);
        windows.push(interval(cursor, end));
        cursor = end;
      }
      return windows;
    }
    default:
      throw unknownReset(reset);
  }
}

/** The billing periods a window consists of (one for DAILY/WEEKLY/MONTHLY windows). */
export function billingPeriodsInWindow(window: Interval, s: BillingSettings): Interval[] {
  const bounds = intervalMs(window, 'window');
  const periods: Interval[] = [];
  for (let period = billingPeriodAt(new Date(bounds.start), s); period.start.getTime() < bounds.end; ) {
    periods.push(period);
    period = nextBillingPeriod(period, s);
  }
  return periods;
}

/** The local year and month the billing period starts in, e.g. "2026-11"; stable, for ids. */
export function periodKey(period: Interval, s: BillingSettings): string {
  const calendar = calendarOf(s);
  const monthIndex = billingMonthAt(calendar, intervalMs(period, 'period').start);
  const year = Math.floor(monthIndex / 12);
  return `${pad(year, 4)}-${pad(monthIndex - year * 12 + 1, 2)}`;
}

/**
 * A stable id for a quota window, unique among windows of the same reset period:
 * DAILY and WEEKLY "2026-11-02" (the local day the window starts), MONTHLY
 * "2026-11", QUARTERLY "2026-Q4", YEARLY "2026" (by the billing periods' start months).
 */
export function quotaWindowKey(window: Interval, reset: ResetPeriod, s: BillingSettings): string {
  const calendar = calendarOf(s);
  const start = intervalMs(window, 'window').start;
  switch (reset) {
    case 'DAILY':
    case 'WEEKLY': {
      const local = dateOfDay(dayIndexAt(calendar.zone, start));
      return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}`;
    }
    case 'MONTHLY':
      return periodKey(window, s);
    case 'QUARTERLY':
    case 'YEARLY': {
      const monthIndex = billingMonthAt(calendar, start);
      const year = pad(Math.floor(monthIndex / 12), 4);
      return reset === 'YEARLY' ? year : `${year}-Q${Math.floor((monthIndex % 12) / 3) + 1}`;
    }
    default:
      throw unknownReset(reset);
  }
}

/** The organization's local date an instant falls on, e.g. "2026-11-15": the unit usage is kept in. */
export function localDayAt(instant: Date, timeZone: string): string {
  const day = remembered(`D|${timeZone}`, instantMs(instant, 'instant'), () => {
    const zone = zoneOf(timeZone);
    const index = dayIndexAt(zone, instant.getTime());
    return interval(dayStart(zone, index), dayStart(zone, index + 1));
  });
  const key = `${timeZone}|${day.start.getTime()}`;
  let name = dayNames.get(key);
  if (name === undefined) {
    name = localDateOf(day.start, timeZone);
    if (dayNames.size > 100_000) dayNames.clear();
    dayNames.set(key, name);
  }
  return name;
}

const dayNames = new Map<string, string>();

const dayIntervals = new Map<string, Interval>();

/** A local date's interval: from the instant the day begins (its midnight, or a DST jump) to the next day's. */
export function localDayInterval(day: string, timeZone: string): Interval {
  const key = `${timeZone}|${day}`;
  const known = dayIntervals.get(key);
  if (known) return known;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw validationError('day', `day must be a local date such as "2026-11-15", got ${JSON.stringify(day)}`);
  const zone = zoneOf(timeZone);
  const index = dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
  const computed = interval(dayStart(zone, index), dayStart(zone, index + 1));
  // Bounded like the other caches: days of a few thousand organizations' periods.
  if (dayIntervals.size > 100_000) dayIntervals.clear();
  dayIntervals.set(key, computed);
  return computed;
}

function zoneOf(timeZone: string): IANAZone {
  if (!isKnownZone(timeZone)) throw validationError('timeZone', `timeZone ${JSON.stringify(timeZone)} is not an IANA time zone`);
  return IANAZone.create(timeZone);
}

function localDateOf(dayStartInstant: Date, timeZone: string): string {
  const zone = zoneOf(timeZone);
  const local = dateOfDay(dayIndexAt(zone, dayStartInstant.getTime()));
  return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}`;
}

export function containsInstant(i: Interval, instant: Date): boolean {
  const at = instant.getTime();
  return i.start.getTime() <= at && at < i.end.getTime();
}

/** An interval as events and read models store it: ISO instants. */
// Windows and periods come from caches as the same objects again and again (an alert asks at every write), so their records are kept with them.
const intervalRecords = new WeakMap<Interval, IntervalRecord>();

export function toIntervalRecord(interval: Interval): IntervalRecord {
  let record = intervalRecords.get(interval);
  if (!record) {
    record = Object.freeze({ start: interval.start.toISOString(), end: interval.end.toISOString() });
    intervalRecords.set(interval, record);
  }
  return record;
}

export const toInterval = (record: IntervalRecord): Interval => ({ start: new Date(record.start), end: new Date(record.end) });
