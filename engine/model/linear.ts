// The linear layer on a batch, H = X·W + b (X: n × in, W: in × out, b: out), and its backward pass:
// dW = Xᵀ·dH, db = Σ_rows dH, dX = dH·Wᵀ. All matrices row-major.
import type { Float } from './activations.ts';

export function linearForward(X: Float, W: Float, b: Float, H: Float, n: number, inputs: number, out: number): void {
  for (let i = 0; i < n; i++) {
    const h = i * out;
    for (let j = 0; j < out; j++) H[h + j] = b[j]!;
    const x = i * inputs;
    for (let k = 0; k < inputs; k++) {
      const xv = X[x + k]!;
      if (xv === 0) continue; // ReLU outputs and binarised pixels are often exactly 0
      const w = k * out;
      for (let j = 0; j < out; j++) H[h + j]! += xv * W[w + j]!;
    }
  }
}

/** dW = Xᵀ·dH and db = column sums of dH (both overwritten). */
export function linearBackwardParams(
  X: Float,
  dH: Float,
  dW: Float,
  db: Float,
  n: number,
  inputs: number,
  out: number,
): void {
  dW.fill(0, 0, inputs * out);
  db.fill(0, 0, out);
  for (let i = 0; i < n; i++) {
    const h = i * out;
    for (let j = 0; j < out; j++) db[j]! += dH[h + j]!;
    const x = i * inputs;
    for (let k = 0; k < inputs; k++) {
      const xv = X[x + k]!;
      if (xv === 0) continue;
      const w = k * out;
      for (let j = 0; j < out; j++) dW[w + j]! += xv * dH[h + j]!;
    }
  }
}

/** dX = dH·Wᵀ (overwritten). */
export function linearBackwardInput(dH: Float, W: Float, dX: Float, n: number, inputs: number, out: number): void {
  for (let i = 0; i < n; i++) {
    const h = i * out;
    for (let k = 0; k < inputs; k++) {
      const w = k * out;
      let s = 0;
      for (let j = 0; j < out; j++) s += dH[h + j]! * W[w + j]!;
      dX[i * inputs + k] = s;
    }
  }
}

/** C = A·B for plain benchmarks and tests (A: m × k, B: k × n). */
export function matmul(A: Float, B: Float, C: Float, m: number, k: number, n: number): void {
  C.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p]!;
      const row = p * n;
      const c = i * n;
      for (let j = 0; j < n; j++) C[c + j]! += a * B[row + j]!;
    }
  }
}
