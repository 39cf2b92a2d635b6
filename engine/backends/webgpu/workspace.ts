// Batch-sized buffers, allocated for a row capacity and reused by every batch: the gathered inputs and targets,
// each layer's pre-activation Z, activation A and dropped output D, the head output P, the backward scratch dA/dZ,
// the per-row stats and the per-batch sums, and the per-batch squared gradient norms of each layer.
/// <reference types="@webgpu/types" />
import type { ModelSpec } from '../backend.ts';
import type { GpuContext } from './gpu-context.ts';
import { SQUARES_GROUPS } from './kernels/sum-of-squares.ts';

export interface LayerBuffers {
  /** rows × units, pre-activation. */
  Z: GPUBuffer;
  /** rows × units, f(Z); the same buffer as Z for the identity. */
  A: GPUBuffer;
  /** rows × units, A after inverted dropout; null without dropout. */
  D: GPUBuffer | null;
}

export class Workspace {
  readonly x: GPUBuffer;
  /** labels (u32 per row) or target values (rows × outputs). */
  readonly t: GPUBuffer;
  readonly layers: LayerBuffers[];
  readonly P: GPUBuffer;
  readonly dZ: GPUBuffer;
  readonly dA: GPUBuffer;
  /** rows × [loss, correct]. */
  readonly stats: GPUBuffer;
  /** slots × [loss sum, correct count], one slot per batch of an epoch or chunk of an evaluation. */
  readonly sums: GPUBuffer;
  /** layers × SQUARES_GROUPS partial Σ dW², rewritten every batch. */
  readonly gradPartials: GPUBuffer;
  /** slots × layers: Σ dW² of each layer in each batch of an epoch (‖dW‖₂² per batch). */
  readonly gradSquares: GPUBuffer;
  /** a distilled student's batch of teacher logits (rows × k); null otherwise. */
  readonly teacher: GPUBuffer | null;

  constructor(
    ctx: GpuContext,
    spec: ModelSpec,
    readonly capacity: number,
    readonly slots: number,
    labels: boolean,
  ) {
    const rows = capacity;
    const k = spec.layers[spec.layers.length - 1]!.units;
    const widest = Math.max(...spec.layers.map((l) => l.units));
    this.x = ctx.storage('x batch', rows * spec.features * 4);
    this.t = ctx.storage('t batch', rows * (labels ? 1 : k) * 4);
    this.layers = spec.layers.map((l, li) => {
      const Z = ctx.storage(`Z${li}`, rows * l.units * 4);
      return {
        Z,
        A: l.activation === 'identity' ? Z : ctx.storage(`A${li}`, rows * l.units * 4),
        D: l.dropout > 0 ? ctx.storage(`D${li}`, rows * l.units * 4) : null,
      };
    });
    this.P = ctx.storage('P', rows * k * 4);
    this.dZ = ctx.storage('dZ', rows * widest * 4);
    this.dA = ctx.storage('dA', rows * widest * 4);
    this.stats = ctx.storage('stats', rows * 8);
    this.sums = ctx.storage('sums', slots * 8);
    this.gradPartials = ctx.storage('dW² partials', spec.layers.length * SQUARES_GROUPS * 4);
    this.gradSquares = ctx.storage('dW² per batch', slots * spec.layers.length * 4);
    this.teacher = spec.distill ? ctx.storage('teacher logits batch', rows * k * 4) : null;
  }
}
