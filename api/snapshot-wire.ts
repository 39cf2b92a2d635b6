// A ModelSnapshot holds Float32Arrays; JSON (HTTP) cannot carry them, so both transports send plain number arrays.
// float32 → double → float32 round-trips exactly, so nothing is lost on the way.
import { z } from 'zod';
import { ACTIVATIONS } from '../engine/config.ts';
import { ResolvedHeadSchema, ResolvedLossSchema, TaskSchema } from '../engine/schemas.ts';
import type { ModelSnapshot } from '../engine/types.ts';

const FloatArray = z.array(z.number());

export const WireSnapshotSchema = z.strictObject({
  task: TaskSchema,
  head: ResolvedHeadSchema,
  loss: ResolvedLossSchema,
  layers: z
    .array(
      z.strictObject({
        inputs: z.number().int().positive(),
        units: z.number().int().positive(),
        activation: z.enum(ACTIVATIONS),
        W: FloatArray,
        b: FloatArray,
      }),
    )
    .min(1)
    .refine(
      (ls) => ls.every((l) => l.W.length === l.inputs * l.units && l.b.length === l.units),
      'layer weights do not match their shapes',
    ),
  standardize: z.strictObject({ mean: FloatArray, std: FloatArray }).nullable(),
  classLabels: z.array(z.string()).optional(),
  featureNames: z.array(z.string()).optional(),
});

export type WireSnapshot = z.infer<typeof WireSnapshotSchema>;

export function toWireSnapshot(s: ModelSnapshot): WireSnapshot {
  return {
    ...s,
    layers: s.layers.map((l) => ({ ...l, W: Array.from(l.W), b: Array.from(l.b) })),
    standardize: s.standardize && { mean: Array.from(s.standardize.mean), std: Array.from(s.standardize.std) },
  };
}

export function fromWireSnapshot(s: WireSnapshot): ModelSnapshot {
  return {
    ...s,
    layers: s.layers.map((l) => ({ ...l, W: Float32Array.from(l.W), b: Float32Array.from(l.b) })),
    standardize: s.standardize && {
      mean: Float32Array.from(s.standardize.mean),
      std: Float32Array.from(s.standardize.std),
    },
  };
}
