// Activations, forward and local derivative side by side (micrograd style). `Float` is float32 or float64.
import type { Activation } from '../config.ts';

export type Float = Float32Array | Float64Array;

export const LEAKY_SLOPE = 0.01;
/** GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); exported to ONNX as this formula. */
export const GELU_C = Math.sqrt(2 / Math.PI);
export const GELU_A = 0.044715;

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function activate(kind: Activation, x: number): number {
  switch (kind) {
    case 'identity':
      return x;
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'leaky_relu':
      return x > 0 ? x : LEAKY_SLOPE * x;
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_A * x * x * x)));
  }
}

/** f'(z), given the pre-activation z and the output a = f(z) (whichever is cheaper). */
export function activateDerivative(kind: Activation, z: number, a: number): number {
  switch (kind) {
    case 'identity':
      return 1;
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    case 'relu':
      return z > 0 ? 1 : 0; // subgradient 0 at 0
    case 'leaky_relu':
      return z > 0 ? 1 : LEAKY_SLOPE;
    case 'gelu': {
      const u = GELU_C * (z + GELU_A * z * z * z);
      const t = Math.tanh(u);
      const du = GELU_C * (1 + 3 * GELU_A * z * z);
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * du;
    }
  }
}

/** A = f(Z), elementwise over `count` values. */
export function activationForward(kind: Activation, Z: Float, A: Float, count: number): void {
  if (kind === 'identity') {
    if (A !== Z) A.set(Z.subarray(0, count));
    return;
  }
  if (kind === 'relu') {
    for (let i = 0; i < count; i++) {
      const z = Z[i]!;
      A[i] = z > 0 ? z : 0;
    }
    return;
  }
  for (let i = 0; i < count; i++) A[i] = activate(kind, Z[i]!);
}

/** dZ = dA ⊙ f'(Z), elementwise. */
export function activationBackward(kind: Activation, Z: Float, A: Float, dA: Float, dZ: Float, count: number): void {
  if (kind === 'identity') {
    if (dZ !== dA) dZ.set(dA.subarray(0, count));
    return;
  }
  if (kind === 'relu') {
    for (let i = 0; i < count; i++) dZ[i] = Z[i]! > 0 ? dA[i]! : 0;
    return;
  }
  for (let i = 0; i < count; i++) dZ[i] = dA[i]! * activateDerivative(kind, Z[i]!, A[i]!);
}
