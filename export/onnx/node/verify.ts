// Verification of every export: onnxruntime-web runs the file on the run's validation rows and its outputs must
// match the engine's within a float32 tolerance. The result is stored with the artifact and printed.
import { OnnxError } from '../errors.ts';
import type { RawValue } from '../../../engine/data/preprocessing.ts';
import type { RawInput } from '../raw-inputs.ts';
import { ortVersion, runOnnx, runOnnxRaw, type OnnxRunResult } from './runtime.ts';

/** Max |onnxruntime − engine| allowed over all outputs, float32 models. */
export const VERIFY_TOLERANCE = 1e-5;

export interface OnnxVerification {
  maxAbsDiff: number;
  samples: number;
  ortVersion: string;
  tolerance: number;
  /** a model that takes raw rows: rows checked besides the `samples` validation rows (all missing, unseen, "Na") */
  probeRows?: number;
}

/**
 * Runs `bytes` on n raw rows and compares with `expected` (the engine's n × outputUnits predictions).
 * Resolves with the result when it passes; throws OnnxError('verification_failed', …, result) when it does not.
 */
export async function verifyOnnxModel(
  bytes: Uint8Array,
  rawX: Float32Array,
  n: number,
  expected: Float32Array,
  tolerance = VERIFY_TOLERANCE,
): Promise<OnnxVerification> {
  return compare(await runOnnx(bytes, rawX, n), n, expected, tolerance);
}

/** verifyOnnxModel for a model that takes raw rows: `rows` are its inputs' values (runOnnxRaw). */
export async function verifyRawOnnxModel(
  bytes: Uint8Array,
  inputs: readonly RawInput[],
  rows: readonly (readonly RawValue[])[],
  expected: Float32Array,
  tolerance = VERIFY_TOLERANCE,
): Promise<OnnxVerification> {
  return compare(await runOnnxRaw(bytes, inputs, rows), rows.length, expected, tolerance);
}

function compare(run: OnnxRunResult, n: number, expected: Float32Array, tolerance: number): OnnxVerification {
  const { values, outputUnits } = run;
  if (values.length !== expected.length)
    throw new OnnxError(
      'verification_failed',
      `onnxruntime gave ${values.length} outputs (${n} rows × ${outputUnits}), the engine ${expected.length}`,
    );
  let maxAbsDiff = 0;
  let worst = -1;
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs(values[i]! - expected[i]!);
    // A NaN on either side is a mismatch, never a silent pass.
    if (!(d <= maxAbsDiff)) {
      maxAbsDiff = Number.isNaN(d) ? Infinity : d;
      worst = i;
    }
  }
  const result: OnnxVerification = { maxAbsDiff, samples: n, ortVersion: ortVersion(), tolerance };
  if (maxAbsDiff > tolerance) {
    const row = Math.floor(worst / outputUnits);
    throw new OnnxError(
      'verification_failed',
      `the exported model disagrees with the engine: max |difference| ${maxAbsDiff.toExponential(2)} > ${tolerance} ` +
        `(row ${row}, output ${worst % outputUnits}: onnxruntime ${values[worst]}, engine ${expected[worst]})`,
      { ...result, row },
    );
  }
  return result;
}
