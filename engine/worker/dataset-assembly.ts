// The worker's side of a streamed dataset: datasetBegin allocates one Float32Array for all features (and the
// labels or targets), each datasetChunk is copied into place and dropped, so the worker holds the rows once.
import type { Dataset } from '../types.ts';
import type { DatasetChunk, DatasetHeader } from './protocol.ts';

export class DatasetStreamError extends Error {
  override readonly name = 'DatasetStreamError';
  readonly code = 'dataset_stream';
  readonly field = 'dataset';
}

const count = (n: number) => n.toLocaleString('en-US');
const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;

export interface DatasetAssembly {
  /** rows received so far */
  readonly rows: number;
  add(chunk: DatasetChunk): void;
  /** the dataset, once every announced row has arrived */
  finish(): Dataset;
}

export function assembleDataset(header: DatasetHeader): DatasetAssembly {
  const { name, task, n, features, outputs } = header;
  for (const [field, v, min] of [
    ['n', n, 1],
    ['features', features, 1],
    ['outputs', outputs, 1],
  ] as const)
    if (!whole(v, min))
      throw new DatasetStreamError(`datasetBegin: ${field} must be a whole number ≥ ${min}, got ${String(v)}`);
  if (task !== 'classification' && task !== 'regression')
    throw new DatasetStreamError(`datasetBegin: unknown task "${String(task)}"`);
  let x: Float32Array;
  let labels: Uint32Array | undefined;
  let targets: Float32Array | undefined;
  try {
    x = new Float32Array(n * features);
    if (task === 'classification') labels = new Uint32Array(n);
    else targets = new Float32Array(n * outputs);
  } catch (e) {
    const mb = Math.round((n * (features + outputs) * 4) / 1e6);
    throw new DatasetStreamError(
      `datasetBegin: "${name}" (${count(n)} × ${count(features)} values, ${count(mb)} MB) does not fit in this worker's memory: ${(e as Error).message}`,
    );
  }
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    add(chunk) {
      const where = `datasetChunk at row ${count(chunk.offset)} of "${name}"`;
      if (chunk.offset !== rows)
        throw new DatasetStreamError(`${where}: expected row ${count(rows)} next (chunks arrive in order)`);
      if (!(chunk.x instanceof Float32Array) || chunk.x.length % features !== 0)
        throw new DatasetStreamError(
          `${where}: x must be a Float32Array of whole rows of ${features} features, got ${chunk.x?.length} values`,
        );
      const k = chunk.x.length / features;
      if (k === 0 || rows + k > n)
        throw new DatasetStreamError(
          `${where}: ${count(k)} rows would end at ${count(rows + k)}, past the ${count(n)} announced`,
        );
      if (labels) {
        if (!(chunk.labels instanceof Uint32Array) || chunk.labels.length !== k)
          throw new DatasetStreamError(
            `${where}: labels must be a Uint32Array of ${k} class indices, got ${chunk.labels?.length ?? 'none'}`,
          );
        const bad = chunk.labels.findIndex((l) => l >= outputs);
        if (bad >= 0)
          throw new DatasetStreamError(
            `${where}: row ${count(rows + bad)} has class ${chunk.labels[bad]}, past the ${outputs} classes`,
          );
        labels.set(chunk.labels, rows);
      } else {
        if (!(chunk.targets instanceof Float32Array) || chunk.targets.length !== k * outputs)
          throw new DatasetStreamError(
            `${where}: targets must be a Float32Array of ${k * outputs} values, got ${chunk.targets?.length ?? 'none'}`,
          );
        targets!.set(chunk.targets, rows * outputs);
      }
      x.set(chunk.x, rows * features);
      rows += k;
    },
    finish() {
      if (rows !== n)
        throw new DatasetStreamError(
          `"${name}": ${count(rows)} of its ${count(n)} rows arrived before the run started`,
        );
      return { ...header, x, ...(labels ? { labels } : { targets }) };
    },
  };
}
