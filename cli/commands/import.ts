// `mlpw import`: a table (CSV, JSON array of objects, NDJSON) or a pair of IDX files becomes an immutable dataset
// snapshot in the store, streamed in chunks (a large file never sits in memory whole). A table's columns are typed
// and encoded on the way (datasets/table/import.ts) and printed as a table; --dry-run prints it and stores nothing.
// A bad file exits 2 with the file, line and column; nothing is kept.
import { openSync, readSync, closeSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { DatasetRecord } from '../../db/datasets.ts';
import { findDataset } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import type { Task } from '../../engine/types.ts';
import { importIdxFiles } from '../../datasets/idx.ts';
import type { ImportedData, ImportProgress } from '../../datasets/imported.ts';
import type { RowSink } from '../../datasets/sink.ts';
import { importTableFile, type ColumnReport, type TableImport } from '../../datasets/table/import.ts';
import { parseFlags } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmtInt, progressBar, table } from '../format.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const USAGE = `mlpw import FILE.csv|.json|.ndjson|.jsonl --target COL [--features COLS | --ignore COLS] [--categorical COLS]
           [--missing impute|drop] [--task classification|regression] [--name NAME] [--dry-run]
mlpw import IMAGES.idx3-ubyte[.gz] --labels LABELS.idx1-ubyte[.gz] [--name NAME]
           [--db FILE] [--json]
  stores the data as a snapshot a run can name: mlpw train --dataset NAME
  COL, COLS: header names or 1-based positions, comma-separated; ranges 3-7; #4 is always the 4th column,
    '"4"' always the column named 4
  columns: numbers stay numbers; text becomes one-hot categories (at most 50); ISO dates (2024-03-05,
    2024-03-05T10:00:00Z) become year, day of year and weekday (sin, cos); ID-like columns (all distinct, or more
    than 50 values mostly distinct) and constant columns are left out with a warning
  --task: detected: text is classes; whole numbers with at most 10 values, or at most 50 written as integers
    that repeat, are classes (said on import); other numbers are a regression
  files: a header is detected; comma, semicolon, tab or runs of blanks (UCI's .data files)
  --missing impute (default): median / most frequent value plus an is-missing column where a column has gaps;
    drop: rows with a gap are left out (--drop-missing is the same). Missing: "", NA, NaN, null, ?, .
  --dry-run: print the column table and the row counts, store nothing`;

/** "train-images.idx3-ubyte.gz" → "train-images"; "wine quality.csv" → "wine quality". */
export function defaultName(file: string): string {
  return (
    basename(file)
      .replace(/\.gz$/i, '')
      .replace(/\.(csv|tsv|txt|data|json|ndjson|jsonl|idx\d-ubyte)$/i, '') || basename(file)
  );
}

function startsLikeIdx(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return n === 4 && head[0] === 0 && head[1] === 0 && head[2] === 0x08;
  } catch {
    return false; // the importer reports the unreadable file properly
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function progressReporter(ctx: CommandContext, enabled: boolean) {
  let last = 0;
  let shown = false;
  return {
    onProgress(p: ImportProgress) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100) return; // a terminal redraw per 100 ms is plenty
      last = now;
      const frac = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
      ctx.stderr.write(
        `\r${progressBar(frac)} ${(p.bytesRead / 1e6).toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB, ${fmtInt(p.rows)} rows`,
      );
      shown = true;
    },
    clear() {
      if (shown) ctx.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

function describe(
  r: Pick<DatasetRecord, 'task' | 'outputs' | 'rows' | 'features' | 'targetName'> & { classLabels?: string[] | null },
): string {
  const what =
    r.task === 'classification'
      ? `${r.outputs} classes: ${r.classLabels!.slice(0, 10).join(', ')}${r.outputs > 10 ? ', …' : ''}`
      : `${r.outputs} target`;
  return `${fmtInt(r.rows)} rows, ${r.features} features → ${r.targetName} (${r.task}, ${what})`;
}

/** The column table: one line per column of the file, with its detected type and what the import does with it. */
export function columnTable(columns: ColumnReport[]): string {
  const role = (c: ColumnReport) => (c.note ? `${c.role}: ${c.note}` : c.role);
  return table(
    ['#', 'column', 'type', 'missing', 'distinct', 'role'],
    columns.map((c) => [
      String(c.column),
      c.name,
      c.type,
      fmtInt(c.missing),
      c.distinct === null ? 'many' : fmtInt(c.distinct),
      role(c),
    ]),
  );
}

/** The row counts a table import reports: imputed, dropped for gaps, dropped for a missing target. */
function rowNotes(data: ImportedData): string[] {
  const s = data.source;
  const notes: string[] = [];
  const noTarget = s.missingTargetRows ?? 0;
  const dropped = (s.droppedRows ?? 0) - noTarget;
  if (s.imputedRows)
    notes.push(
      `imputed missing values in ${fmtInt(s.imputedRows)} row${s.imputedRows > 1 ? 's' : ''} (median or most frequent value; *_missing columns mark them)`,
    );
  if (dropped > 0) notes.push(`dropped ${fmtInt(dropped)} row${dropped > 1 ? 's' : ''} with missing values`);
  if (noTarget > 0)
    notes.push(`dropped ${fmtInt(noTarget)} row${noTarget > 1 ? 's' : ''} without a target value (${data.targetName})`);
  return notes;
}

/** A sink that keeps nothing: --dry-run reads and encodes every row, and stores none. */
const DISCARD: RowSink = { start() {}, append() {} };

export const importCommand: Command = {
  name: 'import',
  summary: 'import a CSV file or IDX files (MNIST format) as a dataset',
  usage: USAGE,
  async run(argv, ctx) {
    const flags = {
      ...DB_FLAG,
      target: { type: 'string' },
      features: { type: 'string' },
      ignore: { type: 'string' },
      categorical: { type: 'string' },
      missing: { type: 'string' },
      labels: { type: 'string' },
      name: { type: 'string' },
      task: { type: 'string' },
      'drop-missing': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    } as const;
    const { values, positionals } = parseFlags(argv, flags);
    if (positionals.length !== 1)
      throw new UsageError(`expected one file to import, got ${positionals.length} (usage: ${USAGE.split('\n')[0]})`);
    const file = positionals[0]!;
    const idx = values.labels !== undefined;
    if (idx) {
      for (const flag of ['target', 'features', 'ignore', 'categorical', 'missing', 'drop-missing'] as const)
        if (values[flag] !== undefined)
          throw new UsageError(`--${flag} is for tables (CSV, JSON); IDX images take --labels`);
    }
    if (!idx && values.target === undefined)
      throw new UsageError(
        startsLikeIdx(file)
          ? `${file} is an IDX file: give its labels with --labels FILE`
          : '--target COLUMN is required: the column to predict',
      );
    if (values.task !== undefined && values.task !== 'classification' && values.task !== 'regression')
      throw new UsageError(`--task: expected classification or regression, got "${values.task}"`);
    if (values.missing !== undefined && values.missing !== 'impute' && values.missing !== 'drop')
      throw new UsageError(`--missing: expected impute or drop, got "${values.missing}"`);
    if (values['drop-missing'] && values.missing === 'impute')
      throw new UsageError('--drop-missing and --missing impute contradict each other');
    const missing = values['drop-missing'] ? 'drop' : ((values.missing ?? 'impute') as 'impute' | 'drop');
    const name = (values.name ?? defaultName(file)).trim();
    if (findDataset(name)) throw new UsageError(`--name: "${name}" is a built-in dataset; choose another name`);
    const json = values.json === true;
    const progress = progressReporter(ctx, ctx.stderr.isTTY === true && !json);
    // On a terminal the column table shows as soon as the first pass has typed the columns (Ctrl-C stops there).
    let planShown = false;
    const showPlan = (columns: ColumnReport[], warnings: string[]) => {
      if (json) return;
      progress.clear();
      ctx.stdout.write(columnTable(columns) + '\n');
      for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
      planShown = true;
    };
    const readTable = (sink: RowSink) =>
      importTableFile(
        file,
        {
          target: values.target!,
          task: values.task as Task | undefined,
          features: values.features,
          ignore: values.ignore,
          categorical: values.categorical,
          missing,
          onProgress: progress.onProgress,
          onPlan: ctx.stderr.isTTY === true ? showPlan : undefined,
        },
        sink,
      );
    const report = (data: ImportedData) => {
      const t = data as Partial<TableImport>;
      if (t.columns && !planShown) showPlan(t.columns, t.warnings ?? []);
      for (const note of rowNotes(data)) ctx.stdout.write(`${note}\n`);
      // Numbers read as classes are a guess worth naming (wine quality 3–9 is either): how to choose the other.
      if (values.task === undefined && data.classLabels?.every((c) => /^[+-]?\d+$/.test(c)))
        ctx.stdout.write(
          `${data.targetName}: ${data.outputs} whole-number values read as classes; pass --task regression to predict it as a number\n`,
        );
    };

    if (values['dry-run']) {
      if (idx) throw new UsageError('--dry-run is for tables (CSV, JSON)');
      let data: TableImport;
      try {
        data = await readTable(DISCARD);
      } finally {
        progress.clear();
      }
      const { preprocessing: _p, labels: _l, targets: _t, ...summary } = data;
      if (json) ctx.stdout.write(JSON.stringify({ dryRun: true, name, ...summary }) + '\n');
      else {
        report(data);
        ctx.stdout.write(`dry run: ${describe(data)}; nothing stored\n`);
      }
      return 0;
    }

    return withStore(values.db, ctx.env, async (store) => {
      const { datasets } = store;
      const writer = datasets.writer(name);
      let record: DatasetRecord;
      let data: ImportedData;
      try {
        data = idx ? await importIdxFiles(file, values.labels!, writer, progress) : await readTable(writer);
        // The snapshot remembers where the data came from as absolute paths.
        record = writer.finish({
          ...data,
          source: { ...data.source, files: data.source.files.map((f) => resolve(f)) },
        });
      } catch (e) {
        writer.abort();
        throw e;
      } finally {
        progress.clear();
      }
      if (json) {
        const t = data as Partial<TableImport>;
        ctx.stdout.write(
          JSON.stringify({
            ...record,
            featureNames: undefined,
            storedBytes: record.storedBytes,
            columns: t.columns,
            warnings: t.warnings,
          }) + '\n',
        );
      } else {
        report(data);
        ctx.stdout.write(`imported ${record.name}: ${describe(record)}\n`);
        ctx.stdout.write(
          `hash ${record.hash} → ${store.path}\ntrain on it: mlpw train --dataset ${JSON.stringify(record.name).replace(/^"([\w.-]+)"$/, '$1')}\n`,
        );
      }
      return 0;
    });
  },
};
