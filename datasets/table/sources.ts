// A table file read as rows of text cells, once per pass: CSV (header detected, ragged rows refused), a JSON array
// of objects or NDJSON (columns are the keys, in the order they first appear; a key a row lacks is a missing value).
// Each pass opens the file again and streams it in 64 KB chunks.
import { excerpt } from '../../engine/excerpt.ts';
import { ImportError, readError } from '../errors.ts';
import { openRegularFile, readChunks } from '../open-file.ts';
import { csvRecords } from '../csv/records.ts';
import { looksLikeHeader } from '../csv/sniff.ts';
import { decodeUtf8 } from '../csv/text.ts';
import type { CsvRecord } from '../csv/tokenizer.ts';
import { checkDuplicateNames } from './column-spec.ts';
import { jsonArrayRecords, ndjsonRecords, type JsonRecord } from './json-records.ts';

export type TableFormat = 'csv' | 'json' | 'ndjson';

export interface TableRow {
  /** 1-based line where the row starts */
  line: number;
  /** by column index; undefined where a JSON row lacks the key */
  cells: (string | undefined)[];
}

export interface TableReader {
  file: string;
  format: TableFormat;
  /** column names; complete for CSV once the first batch came, for JSON once a pass has ended */
  names: string[];
  /** CSV only */
  delimiter: string;
  header: boolean;
  /** one pass over the rows; `onBytes` gets the bytes read so far and the file's size */
  pass(onBytes: (read: number, total: number) => void): AsyncGenerator<TableRow[]>;
}

/** The format a file name says: .json, .ndjson / .jsonl, else CSV. */
export function formatOf(file: string): TableFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  return 'csv';
}

async function* fileChunks(file: string, onBytes: (read: number, total: number) => void): AsyncGenerator<Uint8Array> {
  const opened = await openRegularFile(file);
  const stream = readChunks(opened);
  let read = 0;
  try {
    for await (const chunk of stream) {
      read += (chunk as Uint8Array).byteLength;
      onBytes(read, opened.bytes);
      yield chunk as Uint8Array;
    }
  } catch (e) {
    throw e instanceof ImportError ? e : readError(file, e);
  } finally {
    stream.destroy();
  }
}

function csvReader(file: string, target: string): TableReader {
  const reader: TableReader = {
    file,
    format: 'csv',
    names: [],
    delimiter: ',',
    header: false,
    async *pass(onBytes) {
      let first: CsvRecord | undefined;
      let width = -1;
      const setUp = (second: CsvRecord | undefined) => {
        reader.header = looksLikeHeader(first!.fields, second?.fields, reader.delimiter, target.trim());
        width = first!.fields.length;
        reader.names = Array.from(
          { length: width },
          (_, i) => (reader.header ? first!.fields[i]!.trim() : '') || `column${i + 1}`,
        );
        if (reader.header) checkDuplicateNames(file, reader.names);
      };
      const row = (r: CsvRecord, out: TableRow[]) => {
        // A delimiter at the end of the data lines but not the header's, or of the header's only (spreadsheet
        // exports do both): the empty last field is no column / the nameless last column is empty.
        if (r.fields.length === width + 1 && r.fields[width]!.trim() === '') r.fields.pop();
        else if (r.fields.length === width - 1 && reader.header && first!.fields[width - 1]!.trim() === '')
          r.fields.push('');
        if (r.fields.length !== width)
          throw new ImportError(
            'ragged',
            `${file} line ${r.line}: expected ${width} fields${reader.header ? ' (as in the header)' : ' (as in the first row)'}, found ${r.fields.length}`,
            { file, line: r.line },
          );
        out.push({ line: r.line, cells: r.fields });
      };
      for await (const batch of csvRecords(fileChunks(file, onBytes), file)) {
        reader.delimiter = batch.delimiter;
        const out: TableRow[] = [];
        for (const r of batch.records) {
          if (width >= 0) row(r, out);
          else if (!first) first = r;
          else {
            setUp(r);
            if (!reader.header) row(first, out);
            row(r, out);
          }
        }
        if (out.length > 0) yield out;
      }
      if (!first) throw new ImportError('empty', `${file} is empty: no rows`, { file });
      if (width < 0) {
        setUp(undefined);
        if (!reader.header) yield [{ line: first.line, cells: first.fields }];
      }
    },
  };
  return reader;
}

/** A JSON value as a cell's text: numbers and booleans as written, null as missing; objects and arrays refused. */
function cellOf(file: string, line: number, key: string, v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ImportError(
    'bad_option',
    `${file} line ${line}: ${excerpt(key)} holds ${Array.isArray(v) ? 'an array' : 'an object'}; a table's cell is a number, a string, a boolean or null`,
    { file, line, column: key },
  );
}

function jsonReader(file: string, format: 'json' | 'ndjson'): TableReader {
  const reader: TableReader = {
    file,
    format,
    names: [],
    delimiter: ',',
    header: true,
    async *pass(onBytes) {
      const index = new Map<string, number>();
      reader.names = [];
      const texts = decodeUtf8(fileChunks(file, onBytes), file, () => {});
      const records = format === 'json' ? jsonArrayRecords(texts, file) : ndjsonRecords(texts, file);
      let rows = 0;
      for await (const batch of records as AsyncGenerator<JsonRecord[]>) {
        const out: TableRow[] = [];
        for (const r of batch) {
          const cells: (string | undefined)[] = [];
          for (const key of Object.keys(r.value)) {
            let k = index.get(key);
            if (k === undefined) {
              k = reader.names.length;
              index.set(key, k);
              reader.names.push(key);
            }
            cells[k] = cellOf(file, r.line, key, r.value[key]);
          }
          out.push({ line: r.line, cells });
        }
        rows += out.length;
        if (out.length > 0) yield out;
      }
      if (rows === 0) throw new ImportError('no_rows', `${file} holds no rows (no objects)`, { file });
    },
  };
  return reader;
}

export function openTable(file: string, target: string, format: TableFormat = formatOf(file)): TableReader {
  return format === 'csv' ? csvReader(file, target) : jsonReader(file, format);
}
