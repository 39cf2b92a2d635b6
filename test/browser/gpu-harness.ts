// Runs one kernel program on a shared device for the conformance suite: uploads the inputs, dispatches once with a
// chosen per-batch block, reads every binding back.
import { findAdapter, requestTrainingDevice } from '../../engine/backends/webgpu/adapter.ts';
import { GpuContext, record } from '../../engine/backends/webgpu/gpu-context.ts';
import { BATCH_SLOT_BYTES, type KernelProgram } from '../../engine/backends/webgpu/program.ts';

let shared: Promise<GpuContext> | null = null;

/** One device for the whole test file (device creation is slow on SwiftShader). */
export function gpuContext(): Promise<GpuContext> {
  shared ??= (async () => {
    const found = await findAdapter();
    if ('unavailable' in found) throw new Error(`no WebGPU adapter in this Chromium: ${found.unavailable}`);
    return new GpuContext(await requestTrainingDevice(found.adapter));
  })();
  return shared;
}

export interface BatchBlock {
  offset?: number;
  step?: number;
  slot?: number;
  lr?: number;
  c1?: number;
  c2?: number;
}

export type Input = Float32Array | Uint32Array;

/** Runs `program` with one buffer per binding holding `inputs[i]`; returns each buffer's contents afterwards. */
export async function runProgram(program: KernelProgram, inputs: Input[], batch: BatchBlock = {}): Promise<Input[]> {
  const ctx = await gpuContext();
  const buffers = inputs.map((data, i) => ctx.upload(`${program.shaderKey} #${i}`, data));
  const block = new ArrayBuffer(BATCH_SLOT_BYTES);
  const u32 = new Uint32Array(block);
  const f32 = new Float32Array(block);
  u32[0] = batch.offset ?? 0;
  u32[1] = batch.step ?? 0;
  u32[2] = batch.slot ?? 0;
  f32[3] = batch.lr ?? 0;
  f32[4] = batch.c1 ?? 1;
  f32[5] = batch.c2 ?? 1;
  const batchBuffer = ctx.uniform('batch', BATCH_SLOT_BYTES);
  ctx.device.queue.writeBuffer(batchBuffer, 0, block);
  const dispatch = ctx.prepare(program, buffers, batchBuffer);
  const encoder = ctx.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  record(pass, [dispatch], ctx.batchBindGroup(batchBuffer), 0);
  pass.end();
  ctx.device.queue.submit([encoder.finish()]);
  const out = await ctx.read(buffers.map((buffer, i) => ({ buffer, bytes: inputs[i]!.byteLength })));
  buffers.forEach((b) => b.destroy());
  return out.map((bytes, i) => (inputs[i] instanceof Uint32Array ? new Uint32Array(bytes) : new Float32Array(bytes)));
}

/** max|got − want| / max|want|: the error relative to the tensor's scale (elementwise relative error blows up on
 * entries that cancel to ~0, which float32 summation order alone can flip). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length < want.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (Number.isNaN(d)) return Infinity;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}
