// onnxruntime-web (wasm backend) under Node: one single-threaded runtime, a session per model, rows in float32.
import * as ort from 'onnxruntime-web';
import { DATE_PARTS } from '../../../engine/data/dates.ts';
import type { RawValue } from '../../../engine/data/preprocessing.ts';
import { OnnxError } from '../errors.ts';
import type { RawInput } from '../raw-inputs.ts';

export interface OnnxRunResult {
  /** n × outputUnits, row-major. */
  values: Float32Array;
  outputUnits: number;
  outputName: string;
}

/** Rows per session.run: keeps the wasm heap small for large CSV files. */
const CHUNK_ROWS = 4096;

let configured = false;
function configure(): void {
  if (configured) return;
  // One thread: Node has no cross-origin isolation to worry about, but threads would spawn workers per session and
  // the CPU is shared; an MLP forward pass is tiny anyway.
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  configured = true;
}

export function ortVersion(): string {
  return ort.env.versions.web ?? ort.env.versions.common;
}

/** The feeds for rows start…start+m−1 of a model's inputs. */
export type FeedChunk = (start: number, m: number) => Record<string, ort.Tensor>;

/** Runs the model's single input on n rows of `x` (n × features), in chunks. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, n: number): Promise<OnnxRunResult> {
  const features = n > 0 ? x.length / n : 0;
  if (!Number.isInteger(features) || (n > 0 && features === 0))
    throw new OnnxError('bad_input', `${x.length} values do not make ${n} rows`, { values: x.length, n });
  return runOnnxFeeds(bytes, n, (inputName) => (s, m) => ({
    [inputName]: new ort.Tensor('float32', x.slice(s * features, (s + m) * features), [m, features]),
  }));
}

/**
 * Runs a model that takes raw rows on `rows` (one value per input, engine/data/preprocessing.ts's RawValue):
 * numeric → float [m, 1] (NaN for missing), categorical → string [m, 1] ("" for missing), date → float [m, 5].
 */
export async function runOnnxRaw(
  bytes: Uint8Array,
  inputs: readonly RawInput[],
  rows: readonly (readonly RawValue[])[],
): Promise<OnnxRunResult> {
  return runOnnxFeeds(bytes, rows.length, () => (s, m) => {
    const feeds: Record<string, ort.Tensor> = {};
    inputs.forEach((input, k) => {
      const part = rows.slice(s, s + m).map((r) => r[k] ?? null);
      if (input.kind === 'categorical')
        feeds[input.name] = new ort.Tensor(
          'string',
          part.map((v) => (typeof v === 'string' ? v : '')),
          [m, 1],
        );
      else if (input.kind === 'numeric')
        feeds[input.name] = new ort.Tensor(
          'float32',
          Float32Array.from(part, (v) => (typeof v === 'number' ? v : NaN)),
          [m, 1],
        );
      else {
        const w = DATE_PARTS.length;
        const x = new Float32Array(m * w).fill(NaN);
        part.forEach((v, i) => {
          if (Array.isArray(v)) x.set((v as number[]).slice(0, w), i * w);
        });
        feeds[input.name] = new ort.Tensor('float32', x, [m, w]);
      }
    });
    return feeds;
  });
}

/** Runs n rows through the model in chunks; `feeds` gets the first input's name and builds each chunk's inputs. */
async function runOnnxFeeds(
  bytes: Uint8Array,
  n: number,
  feeds: (firstInput: string) => FeedChunk,
): Promise<OnnxRunResult> {
  configure();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw new OnnxError('not_onnx', `onnxruntime could not load the model: ${(e as Error).message}`);
  }
  try {
    const outputName = session.outputNames[0]!;
    const chunk = feeds(session.inputNames[0]!);
    const chunks: Float32Array[] = [];
    let outputUnits = 0;
    for (let s = 0; s < n; s += CHUNK_ROWS) {
      const m = Math.min(CHUNK_ROWS, n - s);
      const result = await session.run(chunk(s, m));
      const out = result[outputName]!;
      outputUnits = Number(out.dims[1] ?? 1);
      chunks.push(new Float32Array(out.data as Float32Array));
      out.dispose();
    }
    const values = new Float32Array(n * outputUnits);
    chunks.forEach((c, i) => values.set(c, i * CHUNK_ROWS * outputUnits));
    return { values, outputUnits, outputName };
  } finally {
    await session.release();
  }
}
