// Heads and losses on one thread (n × k with k the class count: small), in f64 like engine/model/losses.ts.
// The loss sum is the return value; the count of correct predictions goes to f64 at `out`.
// Codes follow HEAD_CODES and LOSS_CODES in ../kernel-abi.ts.
import { sigmoid } from './activations';

const HEAD_IDENTITY: i32 = 0;
const HEAD_SIGMOID: i32 = 1;
const HEAD_SOFTMAX: i32 = 2;
const LOSS_CROSS_ENTROPY: i32 = 0;
const LOSS_BINARY_CROSS_ENTROPY: i32 = 1;
const LOSS_MSE: i32 = 2;

@inline function f32At(base: usize, i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}
@inline function setF32(base: usize, i: i32, v: f64): void {
  store<f32>(base + (<usize>i << 2), <f32>v);
}

/** P = head(Z) row by row (softmax with the row max subtracted). */
export function headForward(head: i32, Z: usize, P: usize, n: i32, k: i32): void {
  if (head == HEAD_IDENTITY) {
    memory.copy(P, Z, <usize>(n * k * 4));
  } else if (head == HEAD_SIGMOID) {
    for (let i = 0; i < n * k; i++) setF32(P, i, sigmoid(<f64>f32At(Z, i)));
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, <f64>f32At(Z, o + j));
      let sum: f64 = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(<f64>f32At(Z, o + j) - max);
        setF32(P, o + j, e);
        sum += e;
      }
      for (let j = 0; j < k; j++) setF32(P, o + j, <f64>f32At(P, o + j) / sum);
    }
  }
}

function argmaxRow(P: usize, o: i32, k: i32): i32 {
  let best = 0;
  for (let j = 1; j < k; j++) if (f32At(P, o + j) > f32At(P, o + best)) best = j;
  return best;
}

/** Loss of the batch; with dZ ≠ 0, dZ = ∂(loss sum / scale)/∂Z. `labels` (u32 per row) or `targets` (n×k f32). */
export function headLoss(head: i32, loss: i32, Z: usize, P: usize, n: i32, k: i32, labels: usize, targets: usize, dZ: usize, scale: f64, out: usize): f64 {
  let lossSum: f64 = 0;
  let correct = 0;
  if (head == HEAD_SOFTMAX && loss == LOSS_CROSS_ENTROPY) {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      const y = <i32>load<u32>(labels + (<usize>i << 2));
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, <f64>f32At(Z, o + j));
      let sum: f64 = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(<f64>f32At(Z, o + j) - max);
      lossSum += Math.log(sum) + max - <f64>f32At(Z, o + y);
      if (argmaxRow(P, o, k) == y) correct++;
      if (dZ) for (let j = 0; j < k; j++) setF32(dZ, o + j, (<f64>f32At(P, o + j) - (j == y ? 1 : 0)) / scale);
    }
  } else if (head == HEAD_SIGMOID && loss == LOSS_BINARY_CROSS_ENTROPY) {
    for (let i = 0; i < n; i++) {
      const z = <f64>f32At(Z, i);
      const y = <f64>load<u32>(labels + (<usize>i << 2));
      lossSum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      if (<f64>(f32At(P, i) >= 0.5 ? 1 : 0) == y) correct++;
      if (dZ) setF32(dZ, i, (<f64>f32At(P, i) - y) / scale);
    }
  } else if (loss == LOSS_MSE) {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      const label = labels ? <i32>load<u32>(labels + (<usize>i << 2)) : -1;
      let s: f64 = 0;
      let gp: f64 = 0; // Σ_j g_j p_j, for the softmax Jacobian
      for (let j = 0; j < k; j++) {
        const y: f64 = labels ? (k == 1 ? <f64>label : j == label ? 1 : 0) : <f64>f32At(targets, o + j);
        const p = <f64>f32At(P, o + j);
        const d = p - y;
        s += d * d;
        if (dZ) {
          const g = (2 * d) / (<f64>k * scale);
          setF32(dZ, o + j, g);
          gp += g * p;
        }
      }
      lossSum += s / <f64>k;
      if (labels) {
        const predicted = k == 1 ? (f32At(P, o) >= 0.5 ? 1 : 0) : argmaxRow(P, o, k);
        if (predicted == label) correct++;
      }
      if (dZ && head == HEAD_SOFTMAX) {
        for (let j = 0; j < k; j++) setF32(dZ, o + j, <f64>f32At(P, o + j) * (<f64>f32At(dZ, o + j) - gp));
      } else if (dZ && head == HEAD_SIGMOID) {
        for (let j = 0; j < k; j++) {
          const p = <f64>f32At(P, o + j);
          setF32(dZ, o + j, <f64>f32At(dZ, o + j) * (p * (1 - p)));
        }
      }
    }
  } else {
    lossSum = NaN;
  }
  store<f64>(out, <f64>correct);
  return lossSum;
}
