// One pipeline cache keyed by shader key: a kernel's WGSL is compiled once per device, whichever layer asks.
/// <reference types="@webgpu/types" />
import type { KernelProgram } from './program.ts';

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, CachedPipeline>();
  /** the @group(1) layout: the per-batch uniform block at a dynamic offset. */
  readonly batchLayout: GPUBindGroupLayout;

  constructor(private readonly device: GPUDevice) {
    this.batchLayout = device.createBindGroupLayout({
      label: 'batch',
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } }],
    });
  }

  get size(): number {
    return this.pipelines.size;
  }

  get(program: KernelProgram): CachedPipeline {
    const hit = this.pipelines.get(program.shaderKey);
    if (hit) return hit;
    const entries: GPUBindGroupLayoutEntry[] = program.bindings.map((kind, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: kind === 'read' ? 'read-only-storage' : 'storage' },
    }));
    entries.push({ binding: program.bindings.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    const layout = this.device.createBindGroupLayout({ label: program.shaderKey, entries });
    const module = this.device.createShaderModule({ label: program.shaderKey, code: program.wgsl() });
    const pipeline = this.device.createComputePipeline({
      label: program.shaderKey,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: program.perBatch ? [layout, this.batchLayout] : [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const made = { pipeline, layout };
    this.pipelines.set(program.shaderKey, made);
    return made;
  }
}
