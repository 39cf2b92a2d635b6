// What persists on the GPU for the whole run: each layer's W and b, their gradients and the optimizer state.
/// <reference types="@webgpu/types" />
import type { LayerWeights } from '../../types.ts';
import { stateSlots, type OptimizerConfig } from '../../model/optimizers.ts';
import type { GpuContext } from './gpu-context.ts';

export interface LayerParams {
  inputs: number;
  units: number;
  W: GPUBuffer;
  b: GPUBuffer;
  dW: GPUBuffer;
  db: GPUBuffer;
  /** optimizer state per tensor: momentum [v]; Adam [m, s]; SGD []. */
  stateW: GPUBuffer[];
  stateB: GPUBuffer[];
}

export function createParameters(ctx: GpuContext, weights: LayerWeights[], optimizer: OptimizerConfig): LayerParams[] {
  const slots = stateSlots(optimizer);
  return weights.map((w, li) => ({
    inputs: w.inputs,
    units: w.units,
    W: ctx.upload(`W${li}`, w.W),
    b: ctx.upload(`b${li}`, w.b),
    dW: ctx.storage(`dW${li}`, w.W.byteLength),
    db: ctx.storage(`db${li}`, w.b.byteLength),
    // new buffers are zero-filled, which is the optimizers' initial state.
    stateW: Array.from({ length: slots }, (_, s) => ctx.storage(`W${li} state${s}`, w.W.byteLength)),
    stateB: Array.from({ length: slots }, (_, s) => ctx.storage(`b${li} state${s}`, w.b.byteLength)),
  }));
}

export function writeWeights(ctx: GpuContext, params: LayerParams[], weights: LayerWeights[]): void {
  weights.forEach((w, li) => {
    const p = params[li]!;
    if (w.W.length !== p.inputs * p.units || w.b.length !== p.units)
      throw new Error(`setWeights: layer ${li} is ${p.inputs}×${p.units}, got W[${w.W.length}], b[${w.b.length}]`);
    ctx.device.queue.writeBuffer(p.W, 0, w.W.buffer, w.W.byteOffset, w.W.byteLength);
    ctx.device.queue.writeBuffer(p.b, 0, w.b.buffer, w.b.byteOffset, w.b.byteLength);
  });
}

export async function readWeights(
  ctx: GpuContext,
  params: LayerParams[],
  shapes: Omit<LayerWeights, 'W' | 'b'>[],
): Promise<LayerWeights[]> {
  const sources = params.flatMap((p) => [
    { buffer: p.W, bytes: p.inputs * p.units * 4 },
    { buffer: p.b, bytes: p.units * 4 },
  ]);
  const data = await ctx.read(sources);
  return shapes.map((s, li) => ({ ...s, W: new Float32Array(data[2 * li]!), b: new Float32Array(data[2 * li + 1]!) }));
}
