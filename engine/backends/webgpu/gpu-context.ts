// The device and what hangs off it: the pipeline cache, buffer helpers, the recorded dispatches of a kernel
// instance, and the errors that must end a run (device loss, validation errors) surfaced at the next sync point.
/// <reference types="@webgpu/types" />
import { PipelineCache } from './pipeline-cache.ts';
import { BATCH_SLOT_BYTES, packUniforms, type KernelProgram } from './program.ts';

/** A kernel instance ready to record: pipeline, bind groups, workgroup counts. */
export interface Dispatch {
  program: KernelProgram;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  perBatch: boolean;
}

const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class GpuContext {
  readonly cache: PipelineCache;
  private failure: string | null = null;
  private readonly owned: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {
    this.cache = new PipelineCache(device);
    void device.lost.then((info) => {
      this.failure ??= `WebGPU device lost (${info.reason}): ${info.message || 'no message'}`;
    });
    device.addEventListener('uncapturederror', (e) => {
      this.failure ??= `WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`;
    });
  }

  /** Throws if the device was lost or a GPU error happened since the last check. */
  check(): void {
    if (this.failure !== null) throw new Error(this.failure);
  }

  /** A storage buffer of at least `bytes` (rounded up to 16 so vec4 views fit). */
  storage(label: string, bytes: number): GPUBuffer {
    const buffer = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: STORAGE });
    this.owned.push(buffer);
    return buffer;
  }

  /** A storage buffer holding `data`. */
  upload(label: string, data: Float32Array | Uint32Array): GPUBuffer {
    const buffer = this.storage(label, data.byteLength);
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  uniform(label: string, bytes: number, usage = 0): GPUBuffer {
    const buffer = this.device.createBuffer({
      label,
      size: bytes,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST | usage,
    });
    this.owned.push(buffer);
    return buffer;
  }

  /** A kernel instance: its Params block written once, its buffers bound once, reused every batch. */
  prepare(program: KernelProgram, buffers: GPUBuffer[], batchUniform?: GPUBuffer): Dispatch {
    if (buffers.length !== program.bindings.length)
      throw new Error(`${program.shaderKey}: expected ${program.bindings.length} buffers, got ${buffers.length}`);
    const { pipeline, layout } = this.cache.get(program);
    const params = packUniforms(program.uniforms);
    const paramBuffer = this.uniform(`${program.shaderKey} params`, params.byteLength);
    this.device.queue.writeBuffer(paramBuffer, 0, params);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({ binding: buffers.length, resource: { buffer: paramBuffer } });
    const bindGroup = this.device.createBindGroup({ label: program.shaderKey, layout, entries });
    if (program.perBatch && !batchUniform) throw new Error(`${program.shaderKey} needs the per-batch uniform`);
    return { program, pipeline, bindGroup, perBatch: program.perBatch };
  }

  /** The @group(1) bind group over a per-batch uniform buffer (one BATCH_SLOT_BYTES slot per batch). */
  batchBindGroup(buffer: GPUBuffer): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'batch',
      layout: this.cache.batchLayout,
      entries: [{ binding: 0, resource: { buffer, size: BATCH_SLOT_BYTES } }],
    });
  }

  /** Copies `bytes` of each source to one mappable buffer and reads them back (one map for all). */
  async read(sources: { buffer: GPUBuffer; bytes: number }[]): Promise<ArrayBuffer[]> {
    const total = sources.reduce((s, x) => s + Math.ceil(x.bytes / 4) * 4, 0);
    const staging = this.device.createBuffer({
      label: 'read-back',
      size: Math.max(4, total),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder({ label: 'read-back' });
    let at = 0;
    const offsets = sources.map((s) => {
      const o = at;
      const bytes = Math.ceil(s.bytes / 4) * 4;
      if (bytes > 0) encoder.copyBufferToBuffer(s.buffer, 0, staging, o, bytes);
      at += bytes;
      return o;
    });
    this.device.queue.submit([encoder.finish()]);
    try {
      await this.guard(staging.mapAsync(GPUMapMode.READ));
      const mapped = staging.getMappedRange();
      return sources.map((s, i) => mapped.slice(offsets[i]!, offsets[i]! + s.bytes));
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      staging.destroy();
    }
  }

  /** Waits for queued work, failing as soon as the device is lost instead of hanging. */
  async idle(): Promise<void> {
    await this.guard(this.device.queue.onSubmittedWorkDone());
  }

  private async guard<T>(work: Promise<T>): Promise<T> {
    const lost = this.device.lost.then((info) => {
      throw new Error(this.failure ?? `WebGPU device lost (${info.reason}): ${info.message || 'no message'}`);
    });
    lost.catch(() => undefined);
    try {
      return await Promise.race([work, lost]);
    } catch (e) {
      this.check();
      throw e;
    } finally {
      this.check();
    }
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}

/** Records dispatches into a compute pass; per-batch kernels see the batch slot at `batchOffset`. */
export function record(
  pass: GPUComputePassEncoder,
  dispatches: Dispatch[],
  batchGroup: GPUBindGroup | null,
  batchOffset: number,
): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    if (d.perBatch) pass.setBindGroup(1, batchGroup!, [batchOffset]);
    const [x, y, z] = d.program.dispatch;
    pass.dispatchWorkgroups(x, y, z);
  }
}
