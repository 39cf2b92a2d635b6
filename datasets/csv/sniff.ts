// Guessing a CSV file's dialect from its first lines: the delimiter (comma, semicolon or tab) and whether the first
// row is a header. Also the one number parser every column uses, so features and targets agree on what a number is.
export const DELIMITERS = [',', ';', '\t'] as const;
/** Runs of spaces and tabs (whitespace-tokenizer.ts): UCI's .data files, housing.data and auto-mpg.data. */
export const BLANKS = ' ';
export type Delimiter = (typeof DELIMITERS)[number] | typeof BLANKS;

/** Lines looked at to guess the delimiter. */
const SNIFF_LINES = 20;

/** Occurrences of `d` outside quotes on each of the first lines of `text`. */
function countsPerLine(text: string, d: string): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let count = 0;
  for (let i = 0; i < text.length && counts.length < SNIFF_LINES; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && c === d) count++;
    else if (!inQuotes && c === '\n') {
      if (text.slice(i - 1, i).trim() !== '' || count > 0) counts.push(count);
      count = 0;
    }
  }
  if (count > 0) counts.push(count);
  return counts;
}

/** Fields per line of the first lines of `text` split at runs of blanks (quotes honoured; blank lines skipped). */
function blankFieldsPerLine(text: string): number[] {
  const counts: number[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (counts.length >= SNIFF_LINES) break;
    if (line.trim() === '') continue;
    counts.push(line.match(/"(?:[^"]|"")*"\S*|[^\s"]\S*/g)?.length ?? 0);
  }
  return counts;
}

/**
 * The delimiter that splits every sampled line into the same number of fields (the most fields wins a tie);
 * else the one seen most often; a file with none of them is one column (comma). Runs of blanks win where no comma
 * or semicolon splits the lines alike and they give every line the same number of fields, at least twice as many as
 * tabs do (auto-mpg.data has one tab a line, before the quoted name, and blanks between the numbers).
 */
export function detectDelimiter(sample: string): Delimiter {
  const best = detectCharDelimiter(sample);
  const consistentFields = (d: string) => {
    const counts = countsPerLine(sample, d);
    return counts.length > 0 && counts.every((c) => c === counts[0]) && counts[0]! > 0 ? counts[0]! + 1 : 0;
  };
  if (best !== '\t' && consistentFields(best) > 0) return best;
  const blanks = blankFieldsPerLine(sample);
  const alike = blanks.length > 0 && blanks.every((n) => n === blanks[0]) && blanks[0]! >= 2;
  // over tabs only by far: a TSV with a "2024-01-01 10:00" column must stay a TSV
  if (alike && blanks[0]! >= 2 * Math.max(1, consistentFields('\t'))) return BLANKS;
  return best;
}

function detectCharDelimiter(sample: string): Delimiter {
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = countsPerLine(sample, d);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const consistent = counts.length > 0 && counts.every((c) => c === counts[0]) && counts[0]! > 0;
    // Consistent delimiters outrank any inconsistent one; within a class, more fields per line wins.
    const score = (consistent ? 1e9 : 0) + (consistent ? counts[0]! : total);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Field texts read as "no value" (case-insensitive, trimmed): spreadsheets', R's, pandas' and SAS's ('.'). */
export const MISSING_VALUES = ['', 'na', 'n/a', 'nan', 'null', 'none', '?', '.'] as const;
const MISSING = new Set<string>(MISSING_VALUES);

/** An empty field or a spreadsheet's way of writing "no value". */
export function isMissing(field: string): boolean {
  const t = field.trim();
  return t.length <= 4 && MISSING.has(t.toLowerCase());
}

const HEX_LIKE = /[xXbBoO_]/;
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

/**
 * A field as a number, or NaN. Decimal notation only (no hex, no Infinity); with a semicolon or tab delimiter a
 * decimal comma ("1,5") is accepted, as European spreadsheets write it.
 */
export function parseNumber(field: string, delimiter: string): number {
  const v = Number(field);
  if (Number.isFinite(v)) return field.trim() === '' || HEX_LIKE.test(field) ? NaN : v;
  if (delimiter !== ',' && DECIMAL_COMMA.test(field)) return Number(field.replace(',', '.'));
  return NaN;
}

/**
 * Whether the first record is a header: it has a field that is not a number where the second record has a
 * number, or it names the target column (by a name that is not a number); a lone first record of words is a
 * header too.
 */
export function looksLikeHeader(
  first: string[],
  second: string[] | undefined,
  delimiter: string,
  target?: string,
): boolean {
  const numeric = (s: string | undefined) => s !== undefined && !Number.isNaN(parseNumber(s, delimiter));
  const words = first.filter((f) => !numeric(f) && !isMissing(f));
  if (words.length === 0) return false;
  // A first row holding the target's name is a header, unless that "name" is a number: `--target 1` on a file
  // without a header whose first row has a 1 in it (auto-mpg.data's origin) names a position.
  if (target !== undefined && first.some((f) => f.trim() === target && !numeric(f))) return true;
  if (!second) return words.length === first.length;
  return first.some((f, i) => !numeric(f) && !isMissing(f) && numeric(second[i]));
}
