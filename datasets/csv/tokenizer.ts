// An incremental CSV tokenizer (RFC 4180 plus the usual laxness): text goes in chunk by chunk, whole records come
// out with the line they start on. Quoted fields may hold the delimiter, doubled quotes and newlines; CRLF and LF
// both end a record; blank lines are skipped. It keeps only the unfinished record between chunks.
import { ImportError } from '../errors.ts';

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private carry = '';
  /** line number of the first character of `carry` */
  private carryLine = 1;

  constructor(
    readonly delimiter: string,
    readonly file: string,
  ) {}

  /** Complete records in `text` (appended to what came before); an unfinished last record waits for more text. */
  push(text: string): CsvRecord[] {
    return this.scan(this.carry + text, false);
  }

  /** Whatever is left, as the last record. */
  end(): CsvRecord[] {
    const out = this.scan(this.carry, true);
    this.carry = '';
    return out;
  }

  private scan(text: string, final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    const delim = this.delimiter.charCodeAt(0);
    const len = text.length;
    let line = this.carryLine;
    let i = 0;
    while (i < len) {
      const recordStart = i;
      const recordLine = line;
      const fields: string[] = [];
      let complete = false;
      for (;;) {
        // one field, starting at i
        if (text.charCodeAt(i) === QUOTE) {
          let value = '';
          let j = i + 1;
          let closed = false;
          while (j < len) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) {
              if (text.charCodeAt(j + 1) === QUOTE) {
                value += text.slice(i + 1, j + 1);
                i = j + 1;
                j += 2;
                continue;
              }
              value += text.slice(i + 1, j);
              closed = true;
              j++;
              break;
            }
            if (c === LF) line++;
            j++;
          }
          if (!closed) {
            if (final) throw new ImportError('unclosed_quote', `${this.file} line ${recordLine}: a quoted field is not closed`, { file: this.file, line: recordLine });
            line = recordLine;
            return this.keep(text, recordStart, recordLine, records);
          }
          // Text between the closing quote and the delimiter is kept (lenient, as spreadsheets write it).
          let k = j;
          while (k < len && text.charCodeAt(k) !== delim && text.charCodeAt(k) !== LF && text.charCodeAt(k) !== CR) k++;
          fields.push(value + text.slice(j, k));
          i = k;
        } else {
          let k = i;
          while (k < len) {
            const c = text.charCodeAt(k);
            if (c === delim || c === LF || c === CR) break;
            k++;
          }
          fields.push(text.slice(i, k));
          i = k;
        }
        if (i >= len) {
          if (!final) {
            line = recordLine;
            return this.keep(text, recordStart, recordLine, records);
          }
          complete = true;
          break;
        }
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          if (i >= len && !final) {
            line = recordLine;
            return this.keep(text, recordStart, recordLine, records);
          }
          continue;
        }
        // end of line: CRLF, LF or a lone CR
        if (c === CR) {
          if (i + 1 >= len && !final) {
            line = recordLine;
            return this.keep(text, recordStart, recordLine, records);
          }
          i += text.charCodeAt(i + 1) === LF ? 2 : 1;
        } else i++;
        line++;
        complete = true;
        break;
      }
      if (complete && !(fields.length === 1 && fields[0]!.trim() === '')) records.push({ fields, line: recordLine });
    }
    this.carry = '';
    this.carryLine = line;
    return records;
  }

  private keep(text: string, from: number, line: number, records: CsvRecord[]): CsvRecord[] {
    this.carry = text.slice(from);
    this.carryLine = line;
    return records;
  }
}
