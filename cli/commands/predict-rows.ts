// Raw rows for `mlpw predict` on a model that takes them (a run on an imported table, or its exported .onnx): a
// CSV, JSON or NDJSON file read as the importer reads tables, its columns found by header name. A file whose
// header lacks a column the model takes is refused with the missing names; `--by-position` takes the columns by
// position instead. `--keep COLS` names columns passed through to the output (an id column, say).
import { isMissing, parseNumber } from '../../datasets/csv/sniff.ts';
import { ImportError } from '../../datasets/errors.ts';
import { checkDuplicateNames, resolveColumnList } from '../../datasets/table/column-spec.ts';
import { openTable, type TableRow } from '../../datasets/table/sources.ts';
import { readRawValues, type CellReader, type Preprocessing, type RawValue } from '../../engine/data/preprocessing.ts';
import { excerpt, excerptList } from '../../engine/excerpt.ts';
import { UsageError } from '../errors.ts';

export interface RawRows {
  /** per row, one value per model column (Preprocessing.columns order) */
  rows: RawValue[][];
  /** the --keep columns: their names and each row's cells */
  keep: { names: string[]; cells: string[][] };
}

/**
 * Where each model column is in a file of `width` columns read by position: the imported table's own layout
 * (target and ignored columns included), that layout without the target column, or the model's columns in order.
 */
function positions(file: string, p: Preprocessing, width: number): number[] {
  const all = [...p.columns.map((c) => c.column), p.target.column, ...p.ignored.map((c) => c.column)];
  const tableWidth = Math.max(...all) + 1;
  if (width === tableWidth) return p.columns.map((c) => c.column);
  if (width === tableWidth - 1) return p.columns.map((c) => c.column - (c.column > p.target.column ? 1 : 0));
  if (width === p.columns.length) return p.columns.map((_, k) => k);
  throw new UsageError(
    `${file} has ${width} columns; by position the model takes the table's ${tableWidth} columns as imported, ` +
      `${tableWidth - 1} without the target ${excerpt(p.target.name)}, or its ${p.columns.length} columns ` +
      `(${excerptList(p.columns.map((c) => c.name))}) in that order`,
    'bad_input',
  );
}

export async function readRawRows(
  file: string,
  p: Preprocessing,
  options: { byPosition?: boolean; keep?: string } = {},
): Promise<RawRows> {
  const reader = openTable(file, p.target.name);
  const read: CellReader = {
    isMissing: (s) => s === undefined || isMissing(s),
    number: (s) => parseNumber(s, reader.delimiter),
  };
  const rows: RawValue[][] = [];
  const kept: string[][] = [];
  let names: string[] = [];
  let at: number[] | undefined;
  let keepAt: number[] = [];
  /** The columns by name or position, once the names are known (a CSV's first batch, a JSON file's end). */
  const resolve = (header: boolean) => {
    if (options.byPosition) at = positions(file, p, names.length);
    else {
      at = p.columns.map((c) => names.indexOf(c.name));
      const missing = p.columns.filter((_, k) => at![k]! < 0).map((c) => c.name);
      if (missing.length > 0)
        throw new UsageError(
          `${file} has no column${missing.length > 1 ? 's' : ''} ${missing.map((m) => excerpt(m)).join(', ')} that the model takes ` +
            `(${header ? `its header: ${excerptList(names)}` : 'it has no header'}); name them in a header, ` +
            `or pass --by-position to take the columns by position`,
          'missing_columns',
        );
    }
    keepAt = options.keep === undefined ? [] : resolveColumnList(file, '--keep', names, options.keep);
  };
  const add = (batch: TableRow[]) => {
    for (const r of batch) {
      const cells: (string | undefined)[] = [];
      p.columns.forEach((c, k) => (cells[c.column] = r.cells[at![k]!]));
      const { values, bad } = readRawValues(p, cells, read);
      if (bad)
        throw new ImportError(
          'not_a_number',
          `${file} line ${r.line}, column ${excerpt(bad.name)}: ${excerpt(cells[bad.column]?.trim())} is not ` +
            (bad.kind === 'numeric' ? 'a number' : 'a date (write it as YYYY-MM-DD, as in the imported table)'),
          { file, line: r.line, column: bad.name },
        );
      rows.push(values);
      kept.push(keepAt.map((j) => r.cells[j] ?? ''));
    }
  };
  // A CSV streams: its header is known with the first batch. A JSON file's columns are the keys of all its rows.
  const json: TableRow[] = [];
  for await (const batch of reader.pass(() => {})) {
    if (reader.format !== 'csv') {
      json.push(...batch);
      continue;
    }
    let header = reader.header;
    if (!at) {
      names = reader.names;
      // The importer's header test compares the first two rows' types; here the model's column names are known, so
      // a first row that names one of them is the header even where the rows below hold text too.
      const first = batch[0]?.cells.map((c) => c?.trim() ?? '');
      if (!header && first && p.columns.some((c) => first.includes(c.name))) {
        checkDuplicateNames(file, first);
        names = first;
        header = true;
        batch.shift();
      }
      resolve(header);
    }
    add(batch);
  }
  if (reader.format !== 'csv') {
    names = reader.names;
    resolve(true);
    add(json);
  }
  return { rows, keep: { names: keepAt.map((j) => names[j]!), cells: kept } };
}
