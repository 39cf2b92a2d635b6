// Tables whose fields are separated by runs of spaces or tabs, one record a line, as UCI's .data files are written
// (housing.data: " 0.00632  18.00   2.310 …"; auto-mpg.data: "18.0   8   307.0 …\t"chevrolet chevelle malibu""):
// leading and trailing blanks are no fields, a field in double quotes may hold blanks ("" is a quote in it). The same
// push/end contract as CsvTokenizer, and the same cap on a record's length; a blank line is skipped.
import { ImportError } from '../errors.ts';
import { MAX_RECORD_CHARS, type CsvRecord } from './tokenizer.ts';

const LF = 10;
const CR = 13;
const isBlank = (c: number) => c === 32 || c === 9;

/** The fields of one line split at blanks, quotes honoured; throws for a quote that is not closed. */
export function splitBlanks(text: string, file: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    if (text[i] === '"') {
      let field = '';
      let k = i + 1;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q < 0)
          throw new ImportError('unclosed_quote', `${file} line ${line}: a quoted field is not closed`, { file, line });
        field += text.slice(k, q);
        if (text[q + 1] === '"') {
          field += '"';
          k = q + 2;
        } else {
          k = q + 1;
          break;
        }
      }
      // text right after the closing quote belongs to the field, as in CSV
      let e = k;
      while (e < text.length && !isBlank(text.charCodeAt(e))) e++;
      fields.push(field + text.slice(k, e));
      i = e;
    } else {
      let e = i;
      while (e < text.length && !isBlank(text.charCodeAt(e))) e++;
      fields.push(text.slice(i, e));
      i = e;
    }
  }
  return fields;
}

export class WhitespaceTokenizer {
  readonly delimiter = ' ';
  /** Characters pushed so far. */
  scanned = 0;
  private pending = '';
  private line = 1;
  private skipLF = false;

  constructor(
    readonly file: string,
    readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {}

  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let start = 0;
    if (this.skipLF && text.length > 0) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const lineText = this.pending + text.slice(start, i);
      this.pending = '';
      this.take(lineText, records);
      if (c === CR) {
        if (i + 1 === text.length) this.skipLF = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.pending += text.slice(start);
    this.check(this.pending.length);
    this.scanned += text.length;
    return records;
  }

  /** Whatever is left, as the last record. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.pending !== '') this.take(this.pending, records);
    this.pending = '';
    return records;
  }

  private take(text: string, records: CsvRecord[]): void {
    this.check(text.length);
    const line = this.line++;
    const fields = splitBlanks(text, this.file, line);
    if (fields.length > 0) records.push({ fields, line });
  }

  private check(chars: number): void {
    if (chars <= this.maxRecordChars) return;
    throw new ImportError(
      'record_too_long',
      `${this.file} line ${this.line}: a record longer than ${this.maxRecordChars} characters`,
      { file: this.file, line: this.line },
    );
  }
}
