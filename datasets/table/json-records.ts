// JSON tables, streamed: a JSON array of objects (`[{"a": 1, "b": "x"}, …]`) or NDJSON / JSON Lines (one object
// per line). The array is split into its top-level objects by a scan that tracks strings and nesting (each
// character once), and each object alone goes through JSON.parse, so memory holds one object, never the file.
import { excerpt } from '../../engine/excerpt.ts';
import { ImportError } from '../errors.ts';
import { MAX_RECORD_CHARS } from '../csv/tokenizer.ts';

export interface JsonRecord {
  value: Record<string, unknown>;
  /** 1-based line where the object starts */
  line: number;
}

const OPEN = 123; // {
const CLOSE = 125; // }
const QUOTE = 34;
const BACKSLASH = 92;
const LF = 10;

function asObject(file: string, line: number, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ImportError(
      'bad_option',
      `${file} line ${line}: not valid JSON: ${(e as Error).message.split('\n')[0]!.slice(0, 120)}`,
      { file, line },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ImportError(
      'bad_option',
      `${file} line ${line}: ${what} is ${excerpt(value)}, not an object (a table's row is {"column": value, …})`,
      { file, line },
    );
  return value as Record<string, unknown>;
}

/** The objects of a JSON array of objects, in batches as the text arrives. */
export async function* jsonArrayRecords(texts: AsyncIterable<string>, file: string): AsyncGenerator<JsonRecord[]> {
  // where the scan is: before '[', between elements, inside an object, after ']'
  let state: 'start' | 'between' | 'object' | 'end' = 'start';
  let expectComma = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let objectLine = 1;
  let parts: string[] = [];
  let partsChars = 0;
  let element = 0;
  const unexpected = (c: string) =>
    new ImportError(
      'bad_option',
      `${file} line ${line}: unexpected ${excerpt(c)}; expected a JSON array of objects ([{"column": value, …}, …])`,
      { file, line },
    );
  for await (const text of texts) {
    const out: JsonRecord[] = [];
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (state === 'object') {
        if (c === LF) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN) depth++;
        else if (c === CLOSE && --depth === 0) {
          parts.push(text.slice(from, i + 1));
          out.push({ value: asObject(file, objectLine, parts.join(''), `element ${element + 1}`), line: objectLine });
          parts = [];
          partsChars = 0;
          state = 'between';
          expectComma = true;
          element++;
        }
        continue;
      }
      if (c === LF) line++;
      if (c === 32 || c === LF || c === 9 || c === 13) continue;
      const ch = text[i]!;
      if (state === 'start') {
        if (ch !== '[') throw unexpected(text.slice(i, i + 20));
        state = 'between';
      } else if (state === 'between') {
        if (ch === ']') state = 'end';
        else if (expectComma) {
          if (ch !== ',') throw unexpected(ch);
          expectComma = false;
        } else if (c === OPEN) {
          state = 'object';
          depth = 1;
          objectLine = line;
          from = i;
        } else
          throw new ImportError(
            'bad_option',
            `${file} line ${line}: element ${element + 1} of the array is not an object (a table's row is {"column": value, …})`,
            { file, line },
          );
      } else throw unexpected(text.slice(i, i + 20));
    }
    if (state === 'object') {
      const rest = text.slice(from);
      parts.push(rest);
      partsChars += rest.length;
      if (partsChars > MAX_RECORD_CHARS)
        throw new ImportError(
          'record_too_long',
          `${file} line ${objectLine}: an object longer than ${MAX_RECORD_CHARS} characters`,
          { file, line: objectLine },
        );
    }
    if (out.length > 0) yield out;
  }
  if (state === 'start') throw new ImportError('empty', `${file} is empty: no rows`, { file });
  if ((state as string) !== 'end')
    throw new ImportError('bad_option', `${file} line ${line}: the JSON array is not closed (a missing "]" or "}")`, {
      file,
      line,
    });
}

/** The objects of an NDJSON / JSON Lines text: one per non-blank line. */
export async function* ndjsonRecords(texts: AsyncIterable<string>, file: string): AsyncGenerator<JsonRecord[]> {
  let pending = '';
  let line = 1;
  const take = (lines: string[], out: JsonRecord[]) => {
    for (const l of lines) {
      if (l.trim() !== '') out.push({ value: asObject(file, line, l, 'the line'), line });
      line++;
    }
  };
  for await (const text of texts) {
    pending += text;
    const cut = pending.lastIndexOf('\n');
    if (cut < 0) {
      if (pending.length > MAX_RECORD_CHARS)
        throw new ImportError(
          'record_too_long',
          `${file} line ${line}: a line longer than ${MAX_RECORD_CHARS} characters`,
          { file, line },
        );
      continue;
    }
    const out: JsonRecord[] = [];
    take(pending.slice(0, cut).split('\n'), out);
    pending = pending.slice(cut + 1);
    if (out.length > 0) yield out;
  }
  const out: JsonRecord[] = [];
  take([pending], out);
  if (out.length > 0) yield out;
}
