// WebGpuBackend: training on the GPU. The splits are uploaded once at init; each epoch uploads only its order
// (an index buffer the gather kernel reads) and one 256-byte block per batch; batches are recorded into one compute
// pass, several per submit, and the only read-back is the epoch's per-batch loss/correct sums (with, for training,
// each batch's per-layer Σ dW², turned into gradient norms on the host).
/// <reference types="@webgpu/types" />
import type { PreparedData, Split } from '../../data/prepare.ts';
import type { BackendInfo, LayerWeights } from '../../types.ts';
import {
  batchCount,
  type BatchGate,
  type EpochHooks,
  type EpochPlan,
  type LossSums,
  type ModelSpec,
  type TrainingBackend,
} from '../backend.ts';
import { GpuContext, record, type Dispatch } from './gpu-context.ts';
import { createParameters, readWeights, writeWeights, type LayerParams } from './parameters.ts';
import { Passes, type GpuSplit, type Planned } from './passes.ts';
import { BATCH_SLOT_BYTES } from './program.ts';
import { Workspace } from './workspace.ts';

/** Batches recorded into one command buffer. */
const BATCHES_PER_SUBMIT = 32;
/** Rows per evaluation chunk (inference needs no gradients, so bigger than a training batch is fine). */
const EVAL_CHUNK = 1024;
/** How often trainEpoch lets the event loop run and asks the hook whether to stop. */
const YIELD_EVERY_MS = 100;

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback: boolean;
}

interface BatchSlot {
  offset: number;
  step: number;
  slot: number;
  lr: number;
  c1: number;
  c2: number;
}

export class WebGpuBackend implements TrainingBackend {
  readonly info: BackendInfo;
  readonly ctx: GpuContext;
  private spec!: ModelSpec;
  private params!: LayerParams[];
  private train!: GpuSplit;
  private val!: GpuSplit;
  private identity!: GPUBuffer;
  private order!: GPUBuffer;
  private batchUniform!: GPUBuffer;
  private batchGroup!: GPUBindGroup;
  private ws: Workspace | null = null;
  private passes: Passes | null = null;
  private readonly recipes = new Map<string, Dispatch[]>();
  /** rows and chunks of the largest evaluation, so the first workspace already fits it. */
  private evalRows = 1;
  private evalChunks = 1;
  /** per layer: Σ over batches of ‖dW‖₂ since gradientNorms() was last called, and how many batches. */
  private gradNormSums: number[] = [];
  private gradNormBatches = 0;

  constructor(device: GPUDevice, adapter: AdapterDescription) {
    this.ctx = new GpuContext(device);
    this.info = {
      backend: 'webgpu',
      kernels: `wgsl (${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') || 'unknown adapter'})`,
      precision: 'float32',
      adapter: { ...adapter },
    };
  }

  async init(spec: ModelSpec, weights: LayerWeights[], data: PreparedData): Promise<void> {
    this.spec = spec;
    const limit = this.ctx.device.limits.maxStorageBufferBindingSize;
    for (const [name, split] of [
      ['training', data.train],
      ['validation', data.val],
    ] as const) {
      const bytes = split.n * data.features * 4;
      if (bytes > limit)
        throw new Error(
          `the ${name} split (${split.n} × ${data.features} floats, ${bytes} bytes) exceeds this GPU's storage buffer limit of ${limit} bytes`,
        );
    }
    this.params = createParameters(this.ctx, weights, spec.optimizer);
    this.gradNormSums = weights.map(() => 0);
    this.gradNormBatches = 0;
    this.train = this.uploadSplit('train', data.train);
    // A distilled student: the teacher's logits of the training rows stay on the GPU beside them.
    if (spec.distill) this.train.teacher = this.ctx.upload('train teacher logits', spec.distill.logits);
    this.val = this.uploadSplit('val', data.val);
    const rows = Math.max(data.train.n, data.val.n, 1);
    this.evalRows = Math.min(EVAL_CHUNK, rows);
    this.evalChunks = Math.ceil(rows / this.evalRows);
    this.identity = this.ctx.upload(
      'identity order',
      Uint32Array.from({ length: rows }, (_, i) => i),
    );
    this.order = this.ctx.storage('epoch order', Math.max(data.train.n, 1) * 4);
    this.batchUniform = this.ctx.uniform('batches', BATCHES_PER_SUBMIT * BATCH_SLOT_BYTES);
    this.batchGroup = this.ctx.batchBindGroup(this.batchUniform);
    await this.ctx.idle();
  }

  private uploadSplit(name: string, split: Split): GpuSplit {
    const t = split.labels ?? split.targets ?? new Uint32Array(0);
    return { n: split.n, x: this.ctx.upload(`${name} x`, split.x), t: this.ctx.upload(`${name} t`, t) };
  }

  /** Workspace for `rows` per batch and `slots` batches per read-back; recipes are rebuilt when it grows. */
  private workspace(rows: number, slots: number): Passes {
    if (this.ws && this.passes && this.ws.capacity >= rows && this.ws.slots >= slots) return this.passes;
    const capacity = Math.max(rows, this.evalRows, this.ws?.capacity ?? 0);
    const labels = this.spec.loss !== 'mse' || this.spec.head !== 'identity';
    this.ws = new Workspace(
      this.ctx,
      this.spec,
      capacity,
      Math.max(slots, this.evalChunks, this.ws?.slots ?? 0),
      labels,
    );
    this.passes = new Passes(this.spec, this.params, this.ws);
    this.recipes.clear();
    return this.passes;
  }

  /** The dispatches for `key`, built once: pipelines compiled concurrently, bind groups and params made once. */
  private async recipe(key: string, build: () => Planned[]): Promise<Dispatch[]> {
    let r = this.recipes.get(key);
    if (!r) {
      const plan = build();
      await this.ctx.cache.warm(plan.map((p) => p.program));
      r = plan.map((p) => this.ctx.prepare(p.program, p.buffers, this.batchUniform));
      this.recipes.set(key, r);
    }
    return r;
  }

  /** Records and submits batches `BATCHES_PER_SUBMIT` at a time, keeping one submit in flight. */
  private async runBatches(
    batches: { dispatches: Dispatch[]; slot: BatchSlot }[],
    onChunk?: (done: number) => boolean,
    gate?: BatchGate,
  ): Promise<boolean> {
    const device = this.ctx.device;
    let inFlight: Promise<void> | null = null;
    let lastYield = performance.now();
    // A held gate (paused, stepping) submits one batch at a time, so a step is exactly one minibatch.
    for (let start = 0, size = 0; start < batches.length; start += size) {
      this.ctx.check();
      size = gate?.held ? 1 : BATCHES_PER_SUBMIT;
      const chunk = batches.slice(start, start + size);
      device.queue.writeBuffer(this.batchUniform, 0, packBatches(chunk.map((b) => b.slot)));
      const encoder = device.createCommandEncoder({ label: 'batches' });
      const pass = encoder.beginComputePass({ label: 'batches' });
      chunk.forEach((b, i) => record(pass, b.dispatches, this.batchGroup, i * BATCH_SLOT_BYTES));
      pass.end();
      device.queue.submit([encoder.finish()]);
      if (inFlight) await inFlight;
      inFlight = this.ctx.idle();
      if (onChunk && performance.now() - lastYield > YIELD_EVERY_MS) {
        lastYield = performance.now();
        if (onChunk(start + chunk.length)) {
          await inFlight;
          return false;
        }
      }
      const done = start + chunk.length;
      if (gate?.held && done < batches.length) {
        // The weights are read while paused: this chunk's work finishes first.
        await inFlight;
        inFlight = null;
        if (await gate.afterBatch(done, batches.length)) return false;
      }
    }
    if (inFlight) await inFlight;
    return true;
  }

  /** The first `slots` loss/correct pairs; with `gradients` (training), also each batch's Σ dW² in the same read. */
  private async readSums(slots: number, count: number, gradients = false): Promise<LossSums> {
    const layers = this.params.length;
    const sources = [{ buffer: this.ws!.sums, bytes: slots * 8 }];
    if (gradients) sources.push({ buffer: this.ws!.gradSquares, bytes: slots * layers * 4 });
    const [bytes, squareBytes] = await this.ctx.read(sources);
    if (squareBytes) {
      const squares = new Float32Array(squareBytes);
      for (let s = 0; s < slots; s++)
        for (let l = 0; l < layers; l++) this.gradNormSums[l]! += Math.sqrt(squares[s * layers + l]!);
      this.gradNormBatches += slots;
    }
    const sums = new Float32Array(bytes!);
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < slots; s++) {
      lossSum += sums[2 * s]!;
      correct += sums[2 * s + 1]!;
    }
    return { lossSum, correct, count };
  }

  async trainEpoch(plan: EpochPlan, hooks?: EpochHooks): Promise<LossSums | null> {
    const n = plan.order.length;
    const batches = batchCount(n, plan.batchSize);
    const full = Math.min(plan.batchSize, n);
    const passes = this.workspace(full, batches);
    this.ctx.device.queue.writeBuffer(this.order, 0, plan.order.buffer, plan.order.byteOffset, plan.order.byteLength);
    const recipe = (rows: number) =>
      this.recipe(`train:${rows}`, () => [
        ...passes.gather(rows, this.order, this.train),
        ...passes.forward(rows, true),
        ...passes.head(rows, true, true),
        ...passes.backward(rows),
        ...passes.gradientSquares(),
        ...passes.update(),
      ]);
    const tail = n - (batches - 1) * plan.batchSize;
    const fullRecipe = await recipe(full);
    const tailRecipe = tail === full ? fullRecipe : await recipe(tail);
    const { beta1, beta2 } = this.spec.optimizer;
    const work = Array.from({ length: batches }, (_, bi) => {
      const t = plan.step + bi + 1;
      return {
        dispatches: bi === batches - 1 ? tailRecipe : fullRecipe,
        slot: {
          offset: bi * plan.batchSize,
          step: plan.step + bi,
          slot: bi,
          lr: plan.lr,
          c1: 1 - Math.pow(beta1, t),
          c2: 1 - Math.pow(beta2, t),
        },
      };
    });
    const finished = await this.runBatches(work, (done) => hooks?.onBatch?.(done, batches) === true, hooks?.gate);
    if (!finished) return null;
    return this.readSums(batches, n, true);
  }

  /** Per layer, the mean ‖dW‖₂ over the batches since the last call (as CpuBackend), from the epochs' read-backs. */
  gradientNorms(): number[] {
    const batches = this.gradNormBatches;
    const norms = this.gradNormSums.map((s) => (batches > 0 ? s / batches : 0));
    this.gradNormSums.fill(0);
    this.gradNormBatches = 0;
    return norms;
  }

  async evaluate(which: 'train' | 'val'): Promise<LossSums> {
    const split = which === 'train' ? this.train : this.val;
    if (split.n === 0) return { lossSum: 0, correct: 0, count: 0 };
    const chunk = Math.min(EVAL_CHUNK, split.n);
    const chunks = Math.ceil(split.n / chunk);
    const passes = this.workspace(chunk, chunks);
    const recipe = (rows: number) =>
      this.recipe(`eval-${which}:${rows}`, () => [
        ...passes.gather(rows, this.identity, split),
        ...passes.forward(rows, false),
        ...passes.head(rows, true),
      ]);
    const work = [];
    for (let ci = 0; ci < chunks; ci++) {
      const dispatches = await recipe(Math.min(chunk, split.n - ci * chunk));
      work.push({ dispatches, slot: { offset: ci * chunk, step: 0, slot: ci, lr: 0, c1: 1, c2: 1 } });
    }
    await this.runBatches(work);
    return this.readSums(chunks, split.n);
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    const f = this.spec.features;
    const k = this.spec.layers[this.spec.layers.length - 1]!.units;
    const chunk = Math.max(1, Math.min(EVAL_CHUNK, n));
    const passes = this.workspace(chunk, 1);
    const out = new Float32Array(n * k);
    for (let s = 0; s < n; s += chunk) {
      const rows = Math.min(chunk, n - s);
      const dispatches = await this.recipe(`predict:${rows}`, () => [
        ...passes.forward(rows, false),
        ...passes.head(rows, false),
      ]);
      const xs = x.subarray(s * f, (s + rows) * f);
      this.ctx.device.queue.writeBuffer(this.ws!.x, 0, xs.buffer, xs.byteOffset, xs.byteLength);
      await this.runBatches([{ dispatches, slot: { offset: 0, step: 0, slot: 0, lr: 0, c1: 1, c2: 1 } }]);
      const [P] = await this.ctx.read([{ buffer: this.ws!.P, bytes: rows * k * 4 }]);
      out.set(new Float32Array(P!), s * k);
    }
    return out;
  }

  async getWeights(): Promise<LayerWeights[]> {
    this.ctx.check();
    return readWeights(
      this.ctx,
      this.params,
      this.spec.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation })),
    );
  }

  async setWeights(weights: LayerWeights[]): Promise<void> {
    writeWeights(this.ctx, this.params, weights);
    await this.ctx.idle();
  }

  /** Frees the buffers and the device (the backend owns the device its provider made). */
  dispose(): void {
    this.recipes.clear();
    this.ctx.destroy();
    this.ctx.device.destroy();
  }
}

/** The per-batch blocks of one submit, in the layout of `Batch` in program.ts. */
function packBatches(slots: BatchSlot[]): ArrayBuffer {
  const buf = new ArrayBuffer(slots.length * BATCH_SLOT_BYTES);
  const u32 = new Uint32Array(buf);
  const f32 = new Float32Array(buf);
  slots.forEach((s, i) => {
    const o = (i * BATCH_SLOT_BYTES) / 4;
    u32[o] = s.offset;
    u32[o + 1] = s.step >>> 0;
    u32[o + 2] = s.slot;
    f32[o + 3] = s.lr;
    f32[o + 4] = s.c1;
    f32[o + 5] = s.c2;
  });
  return buf;
}
