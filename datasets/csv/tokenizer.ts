// An incremental CSV tokenizer (RFC 4180 plus the usual laxness): text goes in chunk by chunk, whole records come
// out with the line they start on. Quoted fields may hold the delimiter, doubled quotes and newlines; CRLF, LF and a
// lone CR end a record; blank lines are skipped. A state machine that resumes where the last chunk stopped, so each
// character is examined once (linear in the input, however long a record), and a record is capped in length.
import { ImportError } from '../errors.ts';

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

/** Characters one record may hold: generous for any table (MNIST as CSV is ~3 KB a row), small enough for memory. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

// Where the scan stands between two characters.
const FIELD_START = 0; // before a field's first character: a quote opens a quoted field
const UNQUOTED = 1; // inside an unquoted field, or in the text after a closing quote (kept, as spreadsheets write it)
const QUOTED = 2; // inside quotes
const QUOTE_SEEN = 3; // a quote inside quotes: a second one is a literal quote, anything else closes the field

export class CsvTokenizer {
  /** Characters examined so far: each character of the input once (the linear-time guarantee, tested on this). */
  scanned = 0;
  private state = FIELD_START;
  private fields: string[] = [];
  private field = '';
  /** a record has begun: some character of it was read */
  private started = false;
  /** the last chunk ended on a CR: an LF starting the next one belongs to that line break */
  private skipLF = false;
  private line = 1;
  private recordLine = 1;
  /** characters of the current record in the chunks before this one */
  private recordChars = 0;

  constructor(
    readonly delimiter: string,
    readonly file: string,
    readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {}

  /** Complete records in `text` (appended to what came before); an unfinished last record waits for more text. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const delim = this.delimiter.charCodeAt(0);
    const len = text.length;
    // The scan's state in locals (V8 keeps them in registers), written back at the end.
    let { state, field, fields, started, line } = this;
    let i = 0;
    if (this.skipLF && len > 0) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    // where the current record's characters in this chunk begin
    let from = i;
    while (i < len) {
      if (state === FIELD_START) {
        if (!started) {
          started = true;
          this.recordLine = line;
          this.recordChars = 0;
          from = i;
        }
        if (text.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          i++;
          continue;
        }
        state = UNQUOTED;
      }
      if (state === UNQUOTED) {
        let k = i;
        for (; k < len; k++) {
          const c = text.charCodeAt(k);
          if (c === delim || c === LF || c === CR) break;
        }
        field = field === '' ? text.slice(i, k) : field + text.slice(i, k);
        if (k === len) {
          i = k;
          break;
        }
        const c = text.charCodeAt(k);
        fields.push(field);
        field = '';
        state = FIELD_START;
        i = k + 1;
        if (c === delim) continue;
        // end of line: LF, CRLF or a lone CR
        if (c === CR) {
          if (i === len) this.skipLF = true;
          else if (text.charCodeAt(i) === LF) i++;
        }
        line++;
        this.checkLength(this.recordChars + (k - from), state);
        if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ fields, line: this.recordLine });
        fields = [];
        started = false;
        from = i;
      } else if (state === QUOTED) {
        let k = i;
        for (; k < len; k++) {
          const c = text.charCodeAt(k);
          if (c === QUOTE) break;
          if (c === LF) line++;
        }
        field += text.slice(i, k);
        if (k < len) state = QUOTE_SEEN;
        i = k + 1;
      } else {
        // QUOTE_SEEN
        if (text.charCodeAt(i) === QUOTE) {
          field += '"';
          state = QUOTED;
          i++;
        } else state = UNQUOTED;
      }
    }
    this.state = state;
    this.field = field;
    this.fields = fields;
    this.started = started;
    this.line = line;
    if (started) {
      this.recordChars += len - from;
      this.checkLength(this.recordChars, state);
    }
    this.scanned += len;
    return records;
  }

  /** Whatever is left, as the last record. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.state === QUOTED)
      throw new ImportError('unclosed_quote', `${this.file} line ${this.recordLine}: a quoted field is not closed`, {
        file: this.file,
        line: this.recordLine,
      });
    const fields = [...this.fields, this.field];
    if (this.started && !(fields.length === 1 && fields[0]!.trim() === ''))
      records.push({ fields, line: this.recordLine });
    this.state = FIELD_START;
    this.field = '';
    this.fields = [];
    this.started = false;
    return records;
  }

  private checkLength(chars: number, state: number): void {
    if (chars <= this.maxRecordChars) return;
    const max = this.maxRecordChars;
    const limit = max >= 2 ** 20 ? `${Math.round(max / 2 ** 20)} MB (${max} characters)` : `${max} characters`;
    const hint = state === QUOTED || state === QUOTE_SEEN ? '; a missing closing quote?' : '';
    throw new ImportError(
      'record_too_long',
      `${this.file} line ${this.recordLine}: a record longer than ${limit}${hint}`,
      {
        file: this.file,
        line: this.recordLine,
      },
    );
  }
}
