// A ModelSnapshot holds Float32Arrays; JSON (HTTP) cannot carry them, so both transports send plain number arrays.
// float32 → double → float32 round-trips exactly, so nothing is lost on the way.
import type { ModelSnapshot } from '../engine/types.ts';

type Plain<T> = T extends Float32Array ? number[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;

export type WireSnapshot = Plain<ModelSnapshot>;

export function toWireSnapshot(s: ModelSnapshot): WireSnapshot {
  return {
    ...s,
    layers: s.layers.map((l) => ({ ...l, W: Array.from(l.W), b: Array.from(l.b) })),
    standardize: s.standardize && { mean: Array.from(s.standardize.mean), std: Array.from(s.standardize.std) },
  } as WireSnapshot;
}

export function fromWireSnapshot(s: WireSnapshot): ModelSnapshot {
  return {
    ...s,
    layers: s.layers.map((l) => ({ ...l, W: Float32Array.from(l.W), b: Float32Array.from(l.b) })),
    standardize: s.standardize && { mean: Float32Array.from(s.standardize.mean), std: Float32Array.from(s.standardize.std) },
  } as ModelSnapshot;
}
