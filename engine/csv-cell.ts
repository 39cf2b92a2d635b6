// One CSV cell, for every CSV the app writes (epochs in insight/, predictions in export/): the lowest layer both
// import, so a file from either one is as safe to open in a spreadsheet.

/** What a spreadsheet reads as the start of a formula (OWASP's CSV injection list): = + - @, tab, carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, quoted as RFC 4180 asks. Text that a spreadsheet would run as a formula (a run named
 * `=HYPERLINK(…)`, a class label `=cmd`) gets a leading ' and stays text; numbers, negative ones too, are written as
 * they are.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
