// Dates and times in a table, read only in unambiguous forms: ISO 8601 dates `2024-03-05` (also `2024/03/05`) with
// an optional time `T10:00`, `T10:00:00`, `T10:00:00.123` (or a space for the T) and an optional zone `Z` or
// `+01:00`. Slash forms with the year last (`03/05/2024`) are refused as dates: March 5th or May 3rd cannot be told.
// A time without a zone is read as UTC, so the date is the one written. A date becomes five numeric features: the
// year, and the day of the year and the weekday as points on a circle (sin, cos), so December 31st sits next to
// January 1st and Sunday next to Monday. The time of day is not used.
const ISO =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const YEAR_LAST = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/;

/** Milliseconds since 1970 (UTC) of an ISO 8601 date or date-time, or NaN when `text` is not one (or no real date). */
export function parseDate(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return NaN;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m.slice(1);
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const ms = Date.UTC(year, month, day, Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac}`) * 1000));
  const check = new Date(Date.UTC(year, month, day));
  // Date.UTC rolls 2024-02-31 over to March 2nd: such a date is not a date.
  if (
    check.getUTCMonth() !== month ||
    check.getUTCDate() !== day ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 60
  )
    return NaN;
  if (!zone || zone.toUpperCase() === 'Z') return ms;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Day-month-year or month-day-year with slashes: not read as dates (named in the message that refuses them). */
export function looksLikeAmbiguousDate(text: string): boolean {
  return YEAR_LAST.test(text.trim());
}

/** The feature names a date column `name` becomes, in order. */
export const DATE_PARTS = ['year', 'doy_sin', 'doy_cos', 'weekday_sin', 'weekday_cos'] as const;

const DAY_MS = 86_400_000;

/** Writes the five features of the UTC instant `ms` at out[at…at+4]: year, day of year (sin, cos), weekday (sin, cos). */
export function writeDateFeatures(ms: number, out: Float32Array, at: number): void {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  const daysInYear = (Date.UTC(year + 1, 0, 1) - start) / DAY_MS;
  const dayOfYear = Math.floor((ms - start) / DAY_MS); // 0 on January 1st
  const weekday = (date.getUTCDay() + 6) % 7; // 0 on Monday (ISO 8601)
  const doy = (2 * Math.PI * dayOfYear) / daysInYear;
  const wd = (2 * Math.PI * weekday) / 7;
  out[at] = year;
  out[at + 1] = Math.sin(doy);
  out[at + 2] = Math.cos(doy);
  out[at + 3] = Math.sin(wd);
  out[at + 4] = Math.cos(wd);
}
