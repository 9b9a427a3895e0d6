// "2026-11": the month a billing period starts in, in the organization's
// calendar; how the audit names a period. Intl alone knows the zone's offset,
// so the first page needs no date library.
const formats = new Map<string, Intl.DateTimeFormat>();

export function periodKeyOf(periodStart: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(periodStart));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}
