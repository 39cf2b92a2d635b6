// Verification of every export: onnxruntime-web runs the file on the run's validation rows and its outputs must
// match the engine's within a float32 tolerance. The result is stored with the artifact and printed.
import { OnnxError } from '../errors.ts';
import { ortVersion, runOnnx } from './runtime.ts';

/** Max |onnxruntime − engine| allowed over all outputs, float32 models. */
export const VERIFY_TOLERANCE = 1e-5;

export interface OnnxVerification {
  maxAbsDiff: number;
  samples: number;
  ortVersion: string;
  tolerance: number;
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
  const { values, outputUnits } = await runOnnx(bytes, rawX, n);
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
