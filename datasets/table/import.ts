// A real table (CSV, JSON array of objects, NDJSON) → numeric features streamed to a RowSink, in two passes over
// the file. Pass 1 profiles every column (datasets/table/profile.ts) and fits the preprocessing: each column's type
// (numeric, categorical, date; ID-like and empty columns ignored with a warning), medians and most frequent
// categories for the gaps. Pass 2 encodes the rows with it (engine/data/preprocessing.ts) and reads the target.
// Two passes rather than a sample: the category lists and medians are those of the whole file, and memory stays
// bounded (one chunk of rows, the per-column profiles, a label or target per row).
import { excerpt, excerptList } from '../../engine/excerpt.ts';
import { ImportError } from '../errors.ts';
import { TargetColumn } from '../csv/import.ts';
import { isMissing, MISSING_VALUES, parseNumber } from '../csv/sniff.ts';
import type { ImportedData, ImportProgress } from '../imported.ts';
import type { RowSink } from '../sink.ts';
import { resolveColumnList, resolveTarget } from './column-spec.ts';
import { ColumnProfile } from './profile.ts';
import {
  encodeRow,
  featureNamesOf,
  stepWidth,
  type CellReader,
  type ColumnStep,
  type Preprocessing,
} from '../../engine/data/preprocessing.ts';
import { openTable, type TableFormat } from './sources.ts';

/** One-hot encoding beyond this many categories is refused (pass --ignore, or it is an ID). */
export const MAX_CATEGORIES = 50;
/**
 * A column of more than MAX_CATEGORIES distinct texts where at least this share of the values are distinct is
 * ID-like (titanic's Name, Ticket and Cabin, cars' names) and left out with a warning rather than refused.
 */
export const ID_SHARE = 0.6;
/** ...also where some of its values are numbers, if at least this share are not (titanic's Ticket: about a quarter). */
export const MIXED_TEXT_SHARE = 0.1;

export interface TableImportOptions {
  /** the target column: a name or a 1-based position (column-spec.ts) */
  target: string;
  task?: 'classification' | 'regression';
  /** only these columns are features (exclusive with ignore) */
  features?: string;
  /** these columns are not features */
  ignore?: string;
  /** these columns are categories even where their values are numbers */
  categorical?: string;
  /** default impute */
  missing?: 'impute' | 'drop';
  /** default: from the file's extension */
  format?: TableFormat;
  /** feature rows per chunk handed to the sink; default ≈ 1 MB of float32 */
  chunkRows?: number;
  onProgress?(progress: ImportProgress): void;
  /** called after pass 1 with the column table and its warnings, before any row is written */
  onPlan?(columns: ColumnReport[], warnings: string[]): void;
}

export type ColumnType = 'numeric' | 'categorical' | 'date' | 'id' | 'empty';

/** One line of the column table printed on import. */
export interface ColumnReport {
  /** 1-based position */
  column: number;
  name: string;
  type: ColumnType;
  missing: number;
  /** null: more distinct values than were counted */
  distinct: number | null;
  role: 'feature' | 'target' | 'ignored';
  /** how it is used: "3 one-hot", "median 41.5 + missing indicator", "ID-like: all 9 values distinct" */
  note: string;
}

export interface TableImport extends ImportedData {
  preprocessing: Preprocessing;
  columns: ColumnReport[];
  warnings: string[];
}

const ID_NAME = /(^|[^a-z])id$|^id([^a-z]|$)|[a-z]Id$/i;
const missingCell = (s: string | undefined) => s === undefined || isMissing(s);
const round = (v: number) => (Math.abs(v) >= 1e5 || Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

interface Planned {
  steps: ColumnStep[];
  columns: ColumnReport[];
  warnings: string[];
  ignored: Preprocessing['ignored'];
}

/** Each column's type and role from its profile and the flags; throws for a column that cannot be used. */
function plan(
  file: string,
  names: string[],
  profiles: ColumnProfile[],
  target: number,
  options: TableImportOptions,
): Planned {
  if (options.features !== undefined && options.ignore !== undefined)
    throw new ImportError(
      'bad_option',
      '--features and --ignore: give one of them (the features, or the columns to leave out)',
      { file },
    );
  const listed = (flag: string, list: string | undefined) =>
    list === undefined ? undefined : new Set(resolveColumnList(file, flag, names, list));
  const features = listed('--features', options.features);
  const ignore = listed('--ignore', options.ignore) ?? new Set<number>();
  const categorical = listed('--categorical', options.categorical) ?? new Set<number>();
  for (const [flag, set] of [
    ['--features', features],
    ['--ignore', ignore],
  ] as const)
    if (set?.has(target))
      throw new ImportError('bad_option', `${flag} names ${excerpt(names[target])}, the target column`, {
        file,
        column: names[target],
      });
  const impute = (options.missing ?? 'impute') === 'impute';
  const out: Planned = { steps: [], columns: [], warnings: [], ignored: [] };
  names.forEach((name, i) => {
    const p = profiles[i]!;
    const report = (type: ColumnType, role: ColumnReport['role'], note: string) =>
      out.columns.push({ column: i + 1, name, type, missing: p.missing, distinct: p.distinct, role, note });
    const isNumeric = p.present > 0 && p.numbers === p.present;
    const isDate = p.present > 0 && p.dates === p.present;
    if (i === target) return report(isNumeric ? 'numeric' : isDate ? 'date' : 'categorical', 'target', '');
    const skip = (type: ColumnType, reason: string, warn?: string) => {
      out.ignored.push({ name, column: i, reason });
      if (warn) out.warnings.push(warn);
      report(type, 'ignored', reason);
    };
    const chosen = features?.has(i) === true;
    if (features && !chosen) return skip(isNumeric ? 'numeric' : isDate ? 'date' : 'categorical', 'not in --features');
    if (ignore.has(i)) return skip(isNumeric ? 'numeric' : isDate ? 'date' : 'categorical', '--ignore');
    if (p.present === 0) return skip('empty', 'no values', `column ${excerpt(name)} has no values; ignored`);
    const forced = categorical.has(i);
    // One value in every row tells the model nothing (IBM's churn table has Country, State and Count like that).
    if (!chosen && !forced && p.missing === 0 && !p.overflow && p.counts.size === 1)
      return skip(
        isNumeric ? 'numeric' : isDate ? 'date' : 'categorical',
        'constant',
        `column ${excerpt(name)} holds the same value (${excerpt([...p.counts.keys()][0])}) in every row; ignored`,
      );
    const distinctNote = p.overflow ? `more than ${p.counts.size} distinct values` : `all ${p.present} values distinct`;
    if (!forced && isNumeric && !chosen && p.integers && p.allDistinct && p.present > 1 && ID_NAME.test(name))
      return skip(
        'id',
        `ID-like: ${distinctNote}`,
        `column ${excerpt(name)} looks like an ID (integers, ${distinctNote}); ignored (name it in --features to use it)`,
      );
    const indicator = impute && p.missing > 0;
    const gaps = indicator ? ' + missing indicator' : '';
    if (!forced && isNumeric) {
      const fill = p.median();
      out.steps.push({ kind: 'numeric', name, column: i, indicator, fill });
      return report('numeric', 'feature', `median ${round(fill)}${gaps}`);
    }
    if (!forced && isDate) {
      const fill = p.median();
      out.steps.push({ kind: 'date', name, column: i, indicator, fill });
      return report('date', 'feature', `year, day of year, weekday${gaps}`);
    }
    const distinct = p.overflow ? `more than ${p.counts.size}` : String(p.counts.size);
    if (
      !chosen &&
      !forced &&
      p.ambiguousDates === 0 &&
      (p.overflow || p.counts.size > MAX_CATEGORIES) &&
      p.distinctShare >= ID_SHARE &&
      // a numeric column with a few stray texts is refused below, naming the first (it is no ID)
      (p.numbers === 0 || p.present - p.numbers >= p.present * MIXED_TEXT_SHARE)
    )
      return skip(
        'id',
        `ID-like: ${distinct} distinct values in ${p.present} rows`,
        `column ${excerpt(name)} looks like an ID or free text (${distinct} distinct values in ${p.present} rows); ignored (name it in --features to use it)`,
      );
    if (!forced && p.numbers * 2 >= p.present) {
      const at = p.firstNonNumber!;
      throw new ImportError(
        'not_a_number',
        `${file} line ${at.line}, column ${i + 1} (${excerpt(name)}): ${excerpt(at.text)} is not a number (the column's other values are; fix it, pass --categorical ${JSON.stringify(name)}, or leave the column out with --ignore ${JSON.stringify(name)})`,
        { file, line: at.line, column: name },
      );
    }
    if (!chosen && !forced && p.allDistinct && p.present > 1)
      return skip(
        'id',
        `ID-like: ${distinctNote}`,
        `column ${excerpt(name)} looks like an ID (strings, ${distinctNote}); ignored (name it in --features to use it)`,
      );
    if (p.overflow || p.counts.size > MAX_CATEGORIES) {
      const dates =
        p.ambiguousDates > 0
          ? `; its values look like dates with the year last (${excerpt(p.firstNonDate?.text)}), which could be day/month or month/day: write them as YYYY-MM-DD`
          : '';
      throw new ImportError(
        'too_many_categories',
        `${file}: column ${i + 1} (${excerpt(name)}) has ${p.overflow ? `more than ${p.counts.size}` : p.counts.size} distinct values, more than ${MAX_CATEGORIES} categories; leave it out with --ignore ${JSON.stringify(name)}${dates}`,
        { file, column: name },
      );
    }
    const categories = [...p.counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const fill = p.mostFrequent(categories);
    out.steps.push({ kind: 'categorical', name, column: i, indicator, categories, fill });
    if (p.ambiguousDates > 0 && !forced)
      out.warnings.push(
        `column ${excerpt(name)} looks like dates with the year last (${excerpt(p.firstNonDate?.text)}), which could be day/month or month/day; read as ${categories.length} categories (write them as YYYY-MM-DD to use them as dates)`,
      );
    report(
      'categorical',
      'feature',
      `${categories.length} one-hot${indicator ? `, gaps → ${excerpt(fill)}` : ''}${gaps}`,
    );
  });
  if (out.steps.length === 0)
    throw new ImportError(
      'bad_option',
      `${file}: no feature columns left besides the target ${excerpt(names[target])} (columns: ${excerptList(names)})`,
      { file },
    );
  return out;
}

export async function importTableFile(file: string, options: TableImportOptions, sink: RowSink): Promise<TableImport> {
  const reader = openTable(file, options.target, options.format);
  const missingMode = options.missing ?? 'impute';
  let bytesRead = 0;
  let rows = 0;
  const progress = (phase: 'scan' | 'import') => (read: number, total: number) => {
    bytesRead = read;
    options.onProgress?.({ bytesRead: read, totalBytes: total, rows, phase });
  };

  // Pass 1: profiles.
  const profiles: ColumnProfile[] = [];
  const delimiter = () => reader.delimiter;
  let scanned = 0;
  for await (const batch of reader.pass(progress('scan'))) {
    while (profiles.length < reader.names.length) profiles.push(new ColumnProfile(delimiter));
    for (const r of batch) for (let k = 0; k < profiles.length; k++) profiles[k]!.add(r.cells[k], r.line, missingCell);
    scanned += batch.length;
  }
  if (scanned === 0) throw new ImportError('no_rows', `${file} has a header but no data rows`, { file });
  for (const p of profiles) {
    p.missing += scanned - p.rows; // JSON rows before a key first appeared lack it
    p.rows = scanned;
  }
  const names = reader.names;
  if (names.length < 2)
    throw new ImportError(
      'bad_option',
      `${file} has one column only; it needs at least one feature besides the target`,
      { file },
    );
  const target = resolveTarget(file, names, options.target);
  const planned = plan(file, names, profiles, target, options);
  options.onPlan?.(planned.columns, planned.warnings);

  // Pass 2: encode.
  const steps = planned.steps;
  const featureNames = featureNamesOf({ columns: steps });
  const width = steps.reduce((n, s) => n + stepWidth(s), 0);
  const used = [...steps.map((s) => s.column), target];
  const chunkRows = options.chunkRows ?? Math.max(1, Math.floor((1 << 18) / width));
  const buffer = new Float32Array(chunkRows * width);
  const read: CellReader = { isMissing: missingCell, number: (s) => parseNumber(s, reader.delimiter) };
  const targetColumn = new TargetColumn(file, names[target]!, options.task, reader.delimiter);
  sink.start({ features: width, featureNames });
  let inChunk = 0;
  let seen = 0;
  let dropped = 0;
  let noTarget = 0;
  let imputedRows = 0;
  for await (const batch of reader.pass(progress('import'))) {
    for (const r of batch) {
      seen++;
      if (missingCell(r.cells[target])) {
        noTarget++;
        continue;
      }
      const gap = used.some((c) => missingCell(r.cells[c]));
      if (gap && missingMode === 'drop') {
        dropped++;
        continue;
      }
      if (gap) imputedRows++;
      const bad = encodeRow({ columns: steps }, r.cells, read, buffer, inChunk * width);
      if (bad)
        throw new ImportError(
          'changed',
          `${file} line ${r.line}: column ${excerpt(bad.name)} holds ${excerpt(r.cells[bad.column]?.trim())}, which the first pass did not see; did the file change during the import?`,
          { file, line: r.line, column: bad.name },
        );
      targetColumn.add(r.cells[target]!, r.line);
      rows++;
      if (++inChunk === chunkRows) {
        sink.append(buffer, inChunk);
        inChunk = 0;
      }
    }
  }
  if (seen !== scanned)
    throw new ImportError(
      'changed',
      `${file}: ${scanned} rows in the first pass, ${seen} in the second; did the file change during the import?`,
      { file },
    );
  if (rows === 0) {
    const why =
      noTarget === seen
        ? `every row's target ${excerpt(names[target])} is missing`
        : `every row has a missing value (${dropped} dropped by --missing drop${noTarget ? `, ${noTarget} without a target` : ''})`;
    throw new ImportError('no_rows', `${file} has no rows to import: ${why}`, { file });
  }
  if (inChunk > 0) sink.append(buffer, inChunk);
  options.onProgress?.({ bytesRead, totalBytes: bytesRead, rows, phase: 'import' });
  const targets = targetColumn.finish();
  const preprocessing: Preprocessing = {
    version: 1,
    missing: missingMode,
    missingValues: [...MISSING_VALUES],
    columns: steps,
    target: { name: names[target]!, column: target, classes: targets.classLabels ?? null },
    ignored: planned.ignored,
  };
  return {
    ...targets,
    rows,
    features: width,
    featureNames,
    targetName: names[target]!,
    source: {
      kind: reader.format,
      files: [file],
      bytes: bytesRead,
      ...(reader.format === 'csv' ? { delimiter: reader.delimiter, header: reader.header } : {}),
      droppedRows: dropped + noTarget,
      missingTargetRows: noTarget,
      imputedRows,
    },
    preprocessing,
    columns: planned.columns,
    warnings: planned.warnings,
  };
}
