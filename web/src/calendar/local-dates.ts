// The organization's local dates from a period's start to today, with the
// browser's Intl only: the per-day table is on the page itself, which should
// not wait for luxon (the chart loads it with the calendar code).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date, "YYYY-MM-DD", of an instant in a time zone. */
export function localDateOf(instant: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/**
 * Every local date from the period's first day to the one `now` falls in
 * (or the last day, when the period is over). It steps from each day's local
 * noon, which a daylight-saving change moves by an hour at most, never onto
 * another date.
 */
export function localDatesToDate(periodStart: string, periodEnd: string, now: number, timeZone: string): string[] {
  const end = Math.min(Date.parse(periodEnd) - 1, now);
  const last = localDateOf(end, timeZone);
  const dates: string[] = [];
  for (let noon = Date.parse(periodStart) + 12 * 3_600_000; dates.length === 0 || dates[dates.length - 1] < last; noon += 24 * 3_600_000) {
    dates.push(localDateOf(noon, timeZone));
  }
  return dates;
}
