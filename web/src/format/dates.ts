// Instants shown in the organization's own time zone, the one its billing
// periods and quota windows follow.
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    cache.set(key, format);
  }
  return format;
}

export const formatDateTime = (iso: string, timeZone: string): string =>
  formatter(timeZone, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));

export const formatDate = (iso: string, timeZone: string): string => formatter(timeZone, { dateStyle: 'medium' }).format(new Date(iso));

/** A period by its first and last day: its end is the next period's first instant, so the last day is the one before. */
export function formatPeriod(start: string, end: string, timeZone: string): string {
  const lastInstant = new Date(Date.parse(end) - 1).toISOString();
  return `${formatDate(start, timeZone)} – ${formatDate(lastInstant, timeZone)}`;
}

/** "1.2 s", "3 min", "2 h": how long ago, for freshness notes. */
export function formatAge(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
