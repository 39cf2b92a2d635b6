// The Node side of `mlpw export`: build the file from a checkpoint, verify it against the engine on the run's
// validation rows, write it. The store and the CLI call these; they hold no state of their own.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareData } from '../../../engine/data/prepare.ts';
import type { ExperimentConfig } from '../../../engine/config.ts';
import type { Dataset, ModelSnapshot } from '../../../engine/types.ts';
import { buildOnnxModel, type OnnxExportMeta } from '../build.ts';
import { enginePredict } from '../engine-predict.ts';
import { OnnxError } from '../errors.ts';
import { verifyOnnxModel, type OnnxVerification } from './verify.ts';

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
  const raw = prepareData(dataset, config.validationSplit, false, config.dataset.seed);
  return raw.val.n > 0 ? { x: raw.val.x, n: raw.val.n } : { x: raw.train.x, n: raw.train.n };
}

export interface VerifiedExport {
  bytes: Uint8Array;
  verification: OnnxVerification;
}

/** Builds the .onnx bytes and verifies them on `rows` (raw features); a mismatch throws 'verification_failed'. */
export async function exportVerified(
  snapshot: ModelSnapshot,
  meta: Omit<OnnxExportMeta, 'producerVersion'> & { producerVersion?: string },
  rows: { x: Float32Array; n: number },
): Promise<VerifiedExport> {
  const bytes = buildOnnxModel(snapshot, { ...meta, producerVersion: meta.producerVersion ?? packageVersion() });
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

/** Writes the file; a failure becomes OnnxError('write_failed') naming the path and the reason. */
export async function writeOnnxFile(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = WRITE_REASONS[code] ?? (e as Error).message;
    throw new OnnxError('write_failed', `cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`, { path, code });
  }
}
