// onnxruntime-web (wasm backend) under Node: one single-threaded runtime, a session per model, rows in float32.
import * as ort from 'onnxruntime-web';
import { OnnxError } from '../errors.ts';

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

/** Runs the model's single input on n rows of `x` (n × features), in chunks. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, n: number): Promise<OnnxRunResult> {
  configure();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw new OnnxError('not_onnx', `onnxruntime could not load the model: ${(e as Error).message}`);
  }
  try {
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    const features = n > 0 ? x.length / n : 0;
    if (!Number.isInteger(features) || (n > 0 && features === 0))
      throw new OnnxError('bad_input', `${x.length} values do not make ${n} rows`, { values: x.length, n });
    const chunks: Float32Array[] = [];
    let outputUnits = 0;
    for (let s = 0; s < n; s += CHUNK_ROWS) {
      const m = Math.min(CHUNK_ROWS, n - s);
      const input = new ort.Tensor('float32', x.slice(s * features, (s + m) * features), [m, features]);
      const result = await session.run({ [inputName]: input });
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
