// `mlpw import`: a CSV file or a pair of IDX files becomes an immutable dataset snapshot in the store, streamed in
// chunks (a large file never sits in memory whole). A bad file exits 2 with the file, line and column; nothing is kept.
import { openSync, readSync, closeSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { DatasetRecord } from '../../db/datasets.ts';
import { findDataset } from '../../engine/data/builtin.ts';
import '../../engine/host/node/mnist.ts';
import { importCsvFile } from '../../datasets/csv/file.ts';
import { importIdxFiles } from '../../datasets/idx.ts';
import type { ImportProgress } from '../../datasets/imported.ts';
import { parseFlags } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { UsageError } from '../errors.ts';
import { fmtInt, progressBar } from '../format.ts';
import { DB_FLAG, withStore } from '../store-path.ts';

const USAGE = `mlpw import FILE.csv --target COLUMN [--name NAME] [--task classification|regression] [--drop-missing]
mlpw import IMAGES.idx3-ubyte[.gz] --labels LABELS.idx1-ubyte[.gz] [--name NAME]
           [--db FILE] [--json]
  stores the data as a snapshot a run can name: mlpw train --dataset NAME`;

/** "train-images.idx3-ubyte.gz" → "train-images"; "wine quality.csv" → "wine quality". */
export function defaultName(file: string): string {
  return basename(file).replace(/\.gz$/i, '').replace(/\.(csv|tsv|txt|idx\d-ubyte)$/i, '') || basename(file);
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
      ctx.stderr.write(`\r${progressBar(frac)} ${(p.bytesRead / 1e6).toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB, ${fmtInt(p.rows)} rows`);
      shown = true;
    },
    clear() {
      if (shown) ctx.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

function describe(r: DatasetRecord): string {
  const what =
    r.task === 'classification'
      ? `${r.outputs} classes: ${r.classLabels!.slice(0, 10).join(', ')}${r.outputs > 10 ? ', …' : ''}`
      : `${r.outputs} target`;
  return `${fmtInt(r.rows)} rows, ${r.features} features → ${r.targetName} (${r.task}, ${what})`;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a CSV file or IDX files (MNIST format) as a dataset',
  usage: USAGE,
  async run(argv, ctx) {
    const flags = {
      ...DB_FLAG,
      target: { type: 'string' },
      labels: { type: 'string' },
      name: { type: 'string' },
      task: { type: 'string' },
      'drop-missing': { type: 'boolean' },
      json: { type: 'boolean' },
    } as const;
    const { values, positionals } = parseFlags(argv, flags);
    if (positionals.length !== 1) throw new UsageError(`expected one file to import, got ${positionals.length} (usage: ${USAGE.split('\n')[0]})`);
    const file = positionals[0]!;
    const idx = values.labels !== undefined;
    if (idx && values.target !== undefined) throw new UsageError('--target is for CSV files; IDX images take --labels');
    if (!idx && values.target === undefined)
      throw new UsageError(startsLikeIdx(file) ? `${file} is an IDX file: give its labels with --labels FILE` : '--target COLUMN is required: the column to predict');
    if (values.task !== undefined && values.task !== 'classification' && values.task !== 'regression')
      throw new UsageError(`--task: expected classification or regression, got "${values.task}"`);
    const name = (values.name ?? defaultName(file)).trim();
    if (findDataset(name)) throw new UsageError(`--name: "${name}" is a built-in dataset; choose another name`);

    return withStore(values.db, ctx.env, async (store) => {
      const { datasets } = store;
      const writer = datasets.writer(name);
      const progress = progressReporter(ctx, ctx.stderr.isTTY === true && values.json !== true);
      let record: DatasetRecord;
      try {
        const data = idx
          ? await importIdxFiles(file, values.labels!, writer, progress)
          : await importCsvFile(file, { target: values.target!, task: values.task as 'classification' | 'regression' | undefined, dropMissing: values['drop-missing'] === true, onProgress: progress.onProgress }, writer);
        // The snapshot remembers where the data came from as absolute paths.
        record = writer.finish({ ...data, source: { ...data.source, files: data.source.files.map((f) => resolve(f)) } });
      } catch (e) {
        writer.abort();
        throw e;
      } finally {
        progress.clear();
      }
      const dropped = (record.source.droppedRows as number | undefined) ?? 0;
      if (values.json) ctx.stdout.write(JSON.stringify({ ...record, featureNames: undefined, storedBytes: record.storedBytes }) + '\n');
      else {
        ctx.stdout.write(`imported ${record.name}: ${describe(record)}\n`);
        if (dropped > 0) ctx.stdout.write(`dropped ${fmtInt(dropped)} rows with missing values\n`);
        ctx.stdout.write(`hash ${record.hash} → ${store.path}\ntrain on it: mlpw train --dataset ${JSON.stringify(record.name).replace(/^"([\w.-]+)"$/, '$1')}\n`);
      }
      return 0;
    });
  },
};
