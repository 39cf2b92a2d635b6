// The one export sequence of a stored run, for `mlpw export`, the API's exportOnnx and the browser's download: the
// checkpoint, the run's dataset and its validation rows, the model built and verified against the engine with
// onnxruntime, the file written under one rule (saveOnnxFile), the artifact recorded. No state of its own.
import { lstatSync, readFileSync, statSync, type Stats } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunStore } from '../../../db/run-store.ts';
import type { RunRecord } from '../../../db/types.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import {
  decodeFeatures,
  encodeRows,
  stepWidth,
  type Preprocessing,
  type RawValue,
} from '../../../engine/data/preprocessing.ts';
import { splitSeed, type ExperimentConfig } from '../../../engine/config.ts';
import { expandRows, type FeatureTransform } from '../../../engine/data/transforms.ts';
import type { CheckpointKind, Dataset, ModelSnapshot } from '../../../engine/types.ts';
import { buildOnnxModel, type OnnxExportMeta } from '../build.ts';
import { enginePredict } from '../engine-predict.ts';
import { OnnxError } from '../errors.ts';
import { readOnnxModel } from '../read.ts';
import { verifyOnnxModel, verifyRawOnnxModel, type OnnxVerification } from './verify.ts';

let version: string | undefined;
/** package.json's version: the producer_version of every export. A path, not a URL object, so a host that swaps the
 *  global URL class (a DOM test environment) still reads it. */
export function packageVersion(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../../../package.json');
  version ??= (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  return version;
}

/**
 * Raw features (the dataset's own units, before standardisation) of the run's validation split, rebuilt with the
 * same seeded split as training. A run trained without a validation split is checked on its training rows.
 */
export function validationRows(config: ExperimentConfig, dataset: Dataset): { x: Float32Array; n: number } {
  const raw = prepareData(dataset, config.validationSplit, false, splitSeed(config.dataset));
  return raw.val.n > 0 ? { x: raw.val.x, n: raw.val.n } : { x: raw.train.x, n: raw.train.n };
}

export interface VerifiedExport {
  bytes: Uint8Array;
  verification: OnnxVerification;
}

/** The fitted preprocessing of the imported table a run trained on; null for a built-in dataset or an older import. */
export function runPreprocessing(store: RunStore, run: { id: string }): Preprocessing | null {
  const hash = store.datasets.runDatasetHash(run.id);
  return hash === null ? null : (store.datasets.findByHash(hash)?.preprocessing ?? null);
}

/**
 * The raw values a model that takes raw rows is verified on: each encoded row decoded back to its columns' values
 * (a row with a gap reads as missing), then rows the snapshot cannot hold: every column missing, every categorical
 * unseen, and every categorical written as a missing-value text ("Na"), so imputation and the unseen rule are run.
 */
export function rawVerificationRows(p: Preprocessing, rows: { x: Float32Array; n: number }): RawValue[][] {
  const width = p.columns.reduce((n, s) => n + stepWidth(s), 0);
  const out = Array.from({ length: rows.n }, (_, i) => decodeFeatures(p, rows.x, i * width));
  const like =
    out[0] ?? p.columns.map((s) => (s.kind === 'numeric' ? s.fill : s.kind === 'categorical' ? s.fill : null));
  out.push(p.columns.map((s) => (s.kind === 'numeric' ? NaN : null)));
  out.push(p.columns.map((s, k) => (s.kind === 'categorical' ? `\u0001unseen ${s.categories.join('|')}` : like[k]!)));
  out.push(p.columns.map((s, k) => (s.kind === 'categorical' ? 'Na' : like[k]!)));
  return out;
}

/** The raw x1, x2 of n rows that are x1, x2 alone or x1, x2 followed by their transforms' columns. */
export function rawPlaneRows(rows: { x: Float32Array; n: number }): Float32Array {
  const width = rows.n > 0 ? rows.x.length / rows.n : 2;
  if (width === 2) return rows.x.slice(0, 2 * rows.n);
  const out = new Float32Array(2 * rows.n);
  for (let i = 0; i < rows.n; i++) out.set(rows.x.subarray(i * width, i * width + 2), 2 * i);
  return out;
}

/** A built-in 2-D run's feature transforms (none for an imported table). */
export function runTransforms(config: ExperimentConfig): FeatureTransform[] {
  return config.dataset.source === 'imported' ? [] : [...(config.dataset.transforms ?? [])];
}

/**
 * Builds the .onnx bytes and verifies them on `rows` (raw features; for a model with `meta.preprocessing`, the
 * rows' raw values, rawVerificationRows; with `meta.transforms`, rows of x1, x2 with or without the transforms'
 * columns: the graph is run on x1, x2 and compared with the engine on expandRows of them); a mismatch throws
 * 'verification_failed'.
 */
export async function exportVerified(
  snapshot: ModelSnapshot,
  meta: Omit<OnnxExportMeta, 'producerVersion'> & { producerVersion?: string },
  rows: { x: Float32Array; n: number },
): Promise<VerifiedExport> {
  const bytes = buildOnnxModel(snapshot, { ...meta, producerVersion: meta.producerVersion ?? packageVersion() });
  if (meta.preprocessing) {
    const p = meta.preprocessing;
    const raw = rawVerificationRows(p, rows);
    const expected = await enginePredict(snapshot, encodeRows(p, raw), raw.length);
    const inputs = readOnnxModel(bytes).rawInputs!;
    const verification = await verifyRawOnnxModel(bytes, inputs, raw, expected);
    return { bytes, verification: { ...verification, samples: rows.n, probeRows: raw.length - rows.n } };
  }
  if (meta.transforms?.length) {
    const raw = rawPlaneRows(rows);
    const expected = await enginePredict(snapshot, expandRows(raw, rows.n, meta.transforms), rows.n);
    return { bytes, verification: await verifyOnnxModel(bytes, raw, rows.n, expected) };
  }
  const expected = await enginePredict(snapshot, rows.x, rows.n);
  const verification = await verifyOnnxModel(bytes, rows.x, rows.n, expected);
  return { bytes, verification };
}

const WRITE_REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/**
 * Writes the file; a failure becomes OnnxError('write_failed') naming the path and the reason. `replace: false`
 * creates the file or fails (O_EXCL), so a symbolic link planted after the check is not followed.
 */
export async function writeOnnxFile(
  path: string,
  bytes: Uint8Array,
  options: { replace?: boolean } = {},
): Promise<void> {
  try {
    await writeFile(path, bytes, { flag: options.replace === false ? 'wx' : 'w' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason =
      code === 'EEXIST' ? 'it appeared while the model was built' : (WRITE_REASONS[code] ?? (e as Error).message);
    throw new OnnxError('write_failed', `cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`, { path, code });
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OnnxError('bad_path', `cannot check ${path}: ${(e as Error).message}`, { path });
  }
}

/** What is at the target, followed through one symbolic link; a dangling link, a FIFO, a device or a folder is refused. */
function inspectTarget(out: string): 'missing' | 'ours' {
  let info = lstatOrNull(out);
  if (!info) return 'missing';
  if (info.isSymbolicLink()) {
    try {
      info = statSync(out);
    } catch {
      throw new OnnxError('bad_path', `${out} is a symbolic link to a file that does not exist; choose another file`, {
        path: out,
      });
    }
  }
  if (!info.isFile())
    throw new OnnxError(
      'bad_path',
      `${out} is not a regular file (${info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : 'a device or socket'}); choose another file`,
      { path: out },
    );
  try {
    readOnnxModel(readFileSync(out), out);
  } catch {
    throw new OnnxError('bad_path', `${out} exists and is not an MLP Workbench model; choose another file`, {
      path: out,
    });
  }
  return 'ours';
}

/**
 * Where exports may be written, whoever asks (a save dialog, `--out`): only `.onnx` paths, and an existing file only
 * when it is a regular file holding one of our models, so ~/.bashrc, a report.txt, a FIFO or the target of a
 * dangling symbolic link is never written. `absolute` refuses a relative path instead of resolving it against this
 * process's folder (the app's paths come from its dialogs; only the CLI means its own working folder).
 * Returns the absolute path; throws OnnxError('bad_path') naming it.
 */
export function checkOnnxTarget(path: string, options: { absolute?: boolean } = {}): string {
  return target(path, options).out;
}

function target(path: string, options: { absolute?: boolean }): { out: string; found: 'missing' | 'ours' } {
  if (options.absolute && !isAbsolute(path))
    throw new OnnxError('bad_path', `${path} is not an absolute path`, { path });
  const out = resolve(path);
  if (extname(out).toLowerCase() !== '.onnx')
    throw new OnnxError('bad_path', `${out} must end in .onnx`, { path: out });
  return { out, found: inspectTarget(out) };
}

/** checkOnnxTarget, then the write; `makeFolders` creates missing folders (the app's save path), else ENOENT is an error. */
export async function saveOnnxFile(
  path: string,
  bytes: Uint8Array,
  options: { makeFolders?: boolean; absolute?: boolean } = {},
): Promise<string> {
  const { out, found } = target(path, options);
  if (options.makeFolders)
    await mkdir(dirname(out), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw new OnnxError('write_failed', `cannot create the folder of ${out}: ${e.message}`, {
        path: out,
        code: e.code,
      });
    });
  await writeOnnxFile(out, bytes, { replace: found === 'ours' });
  return out;
}

/** A file on this machine, or bytes for the caller to send (browser mode's download). */
export type ExportDestination = { path: string; makeFolders?: boolean; absolute?: boolean } | { download: true };

export interface RunExport {
  run: RunRecord;
  checkpoint: CheckpointKind;
  epoch: number;
  bytes: Uint8Array;
  verification: OnnxVerification;
  /** what the artifact records: the absolute path written, or `download: FILE_NAME` */
  path: string;
  fileName: string;
  /** the artifact's details: the verification plus checkpoint, epoch and size */
  details: OnnxVerification & { checkpoint: CheckpointKind; epoch: number; bytes: number };
}

/** The file name a browser saves a download under: the run's name (or dataset), its id and the checkpoint. */
export function downloadName(run: RunRecord, kind: CheckpointKind): string {
  return `${run.name?.replace(/[^\w.-]+/g, '_') || run.dataset}-${run.id}-${kind}.onnx`;
}

/**
 * Exports run `ref`'s checkpoint of `kind`, verified on the rows the run validated on (rebuilt from its built-in
 * generator or its imported snapshot), and records the artifact once the bytes are where they go. A path is checked
 * before the work; a verification or write failure records nothing.
 */
export async function exportRun(
  store: RunStore,
  ref: string,
  kind: CheckpointKind,
  to: ExportDestination,
): Promise<RunExport> {
  const run = store.getRun(ref);
  const { epoch, snapshot } = store.requireCheckpoint(run, kind);
  if ('path' in to) checkOnnxTarget(to.path, to);
  const epochs = store.getEpochs(run.id);
  const metrics = { final: epochs.at(-1) ?? null, best: epochs.find((e) => e.epoch === run.bestEpoch) ?? null };
  const rows = validationRows(run.config, store.datasets.forRun(run));
  const preprocessing = runPreprocessing(store, run);
  const transforms = runTransforms(run.config);
  const meta = {
    runId: run.id,
    config: run.config,
    dataset: run.dataset,
    checkpoint: kind,
    metrics,
    preprocessing,
    transforms,
  };
  const { bytes, verification } = await exportVerified(snapshot, meta, rows);
  let path: string;
  let fileName: string;
  if ('path' in to) {
    path = await saveOnnxFile(to.path, bytes, to);
    fileName = basename(path);
  } else {
    fileName = downloadName(run, kind);
    path = `download: ${fileName}`;
  }
  const details = { ...verification, checkpoint: kind, epoch, bytes: bytes.length };
  store.addArtifact(run.id, { kind: 'onnx', path, details });
  return { run, checkpoint: kind, epoch, bytes, verification, path, fileName, details };
}
