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
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ],
    });
  }

  get size(): number {
    return this.pipelines.size;
  }

  get(program: KernelProgram): CachedPipeline {
    const hit = this.pipelines.get(program.shaderKey);
    if (hit) return hit;
    const { layout, descriptor } = this.describe(program);
    const made = { pipeline: this.device.createComputePipeline(descriptor), layout };
    this.pipelines.set(program.shaderKey, made);
    return made;
  }

  /** Compiles the programs not cached yet, concurrently (shader compilation dominates a run's start). */
  async warm(programs: KernelProgram[]): Promise<void> {
    const missing = new Map(programs.filter((p) => !this.pipelines.has(p.shaderKey)).map((p) => [p.shaderKey, p]));
    await Promise.all(
      [...missing.values()].map(async (program) => {
        const { layout, descriptor } = this.describe(program);
        const pipeline = await this.device.createComputePipelineAsync(descriptor);
        this.pipelines.set(program.shaderKey, { pipeline, layout });
      }),
    );
  }

  private describe(program: KernelProgram): { layout: GPUBindGroupLayout; descriptor: GPUComputePipelineDescriptor } {
    const entries: GPUBindGroupLayoutEntry[] = program.bindings.map((kind, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: kind === 'read' ? 'read-only-storage' : 'storage' },
    }));
    entries.push({ binding: program.bindings.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    const layout = this.device.createBindGroupLayout({ label: program.shaderKey, entries });
    const module = this.device.createShaderModule({ label: program.shaderKey, code: program.wgsl() });
    const descriptor: GPUComputePipelineDescriptor = {
      label: program.shaderKey,
      layout: this.device.createPipelineLayout({
        bindGroupLayouts: program.perBatch ? [layout, this.batchLayout] : [layout],
      }),
      compute: { module, entryPoint: 'main' },
    };
    return { layout, descriptor };
  }
}
