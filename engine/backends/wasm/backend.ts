// The fast CPU backend: the reference MLP's forward, loss, backward and optimizer steps as WebAssembly SIMD kernels
// over one memory that holds the weights, optimizer state, activations and (when it fits) the whole dataset, so a
// step only crosses into JavaScript to dispatch kernels. float32 only; the typed-array backend stays the reference.
import type { PreparedData, Split } from '../../data/prepare.ts';
import type { BackendInfo, LayerWeights } from '../../types.ts';
import { YIELD_EVERY_MS, yieldToEventLoop } from '../../yield.ts';
import {
  batchCount,
  type EpochHooks,
  type EpochPlan,
  type LossSums,
  type ModelSpec,
  type TrainingBackend,
} from '../backend.ts';
import { ACT_NONE, ACTIVATION_CODES, HEAD_CODES, INIT, LAYOUT, LOSS_CODES, OPTIMIZER_CODES } from './kernel-abi.ts';
import { distillBatch } from '../../distill.ts';
import { kernelsName, type KernelModule } from './module.ts';
import type { PhaseProfile } from './phase-profile.ts';
import { KernelRuntime, MIN_PARALLEL_WORK } from './runtime.ts';

/** rows per evaluate/predict chunk, and the smallest activation capacity. */
const CHUNK = 1024;
/**
 * Floats per block of a gradient-norm sum: each block is summed by one part, the blocks in order on the caller, so
 * a norm has the same bits on any thread count (a layer of one block, as in a small net, is summed as before).
 */
const NORM_BLOCK = 1 << 15;
/** datasets larger than this stay in JavaScript and are copied in a batch at a time. */
const MAX_RESIDENT_DATA_BYTES = 1 << 30;

interface Layer {
  inputs: number;
  units: number;
  act: number;
  dropout: number;
  W: number;
  b: number;
  dW: number;
  db: number;
}

/** Per-layer activations for `capacity` rows: pre-activation Z, A = f(Z) (A = Z for identity), dropout mask and output. */
interface Buffers {
  capacity: number;
  Z: number[];
  A: number[];
  mask: number[];
  D: number[];
  P: number;
  dA: number;
  dZ: number;
  x: number;
  labels: number;
  targets: number;
}

/** A split as the kernels see it: pointers when resident, else the JavaScript arrays. */
interface SplitData {
  split: Split;
  x: number;
  labels: number;
  targets: number;
}

export class WasmBackend implements TrainingBackend {
  info: BackendInfo;
  private rt!: KernelRuntime;
  private spec!: ModelSpec;
  private layers: Layer[] = [];
  private buf!: Buffers;
  private params = { w: 0, g: 0, s0: 0, s1: 0, count: 0, weights: 0 };
  private resident = false;
  private train!: SplitData;
  private val!: SplitData;
  private order = { ptr: 0, length: 0 };
  private lossOut = 0;
  /** A view of lossOut's f64, made again only when growing the memory replaced its buffer (not one per batch). */
  private lossView: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private features = 0;
  private outputs = 0;
  /** per layer: Σ over batches of ‖dW‖₂ since gradientNorms() was last called, and how many batches. */
  private gradNormSums = new Float64Array(0);
  private gradNormBatches = 0;
  /** The norms' block table ((ptr, count) u32 pairs), its f64 block sums, and each layer's first block. */
  private normBlocks = { table: 0, out: 0, count: 0, values: 0, first: [0] };
  private normView: Float64Array<ArrayBufferLike> = new Float64Array(0);

  /** `gradientNorms: false` skips the per-batch norm pass (the no-change test and the overhead A/B compare both). */
  constructor(
    private readonly kernels: KernelModule,
    private readonly options: {
      threads: number;
      minParallelWork?: number;
      /** the element-wise kernels' split threshold (runtime.ts MIN_PARALLEL_ELEMENTS); the bench's A/B sets it. */
      minParallelElements?: number;
      gradientNorms?: boolean;
    },
  ) {
    this.info = { backend: 'cpu', kernels: kernelsName(kernels.variant), precision: 'float32', threads: 1 };
  }

  async init(spec: ModelSpec, weights: LayerWeights[], data: PreparedData): Promise<void> {
    this.rt?.dispose();
    const threads = this.teamNeeded(spec, data) ? this.options.threads : 1;
    this.rt = await KernelRuntime.create(
      this.kernels,
      threads,
      this.options.minParallelWork,
      this.options.minParallelElements,
    );
    this.info = { ...this.info, threads: this.rt.threads };
    this.spec = spec;
    this.features = spec.features;
    const heap = this.rt.heap;
    // One flat parameter vector (all W, then all b) so the optimizer is a single kernel over it.
    const weightCount = weights.reduce((s, w) => s + w.W.length, 0);
    const count = weightCount + weights.reduce((s, w) => s + w.b.length, 0);
    const slots = spec.optimizer.type === 'adam' ? 2 : spec.optimizer.type === 'momentum' ? 1 : 0;
    const w = heap.alloc(count * 4);
    const g = heap.alloc(count * 4);
    const s0 = slots > 0 ? heap.alloc(count * 4) : 0;
    const s1 = slots > 1 ? heap.alloc(count * 4) : 0;
    this.params = { w, g, s0, s1, count, weights: weightCount };
    let wOffset = 0;
    let bOffset = weightCount * 4;
    this.layers = weights.map((lw, i) => {
      const layer: Layer = {
        inputs: lw.inputs,
        units: lw.units,
        act: ACTIVATION_CODES[lw.activation],
        dropout: spec.layers[i]!.dropout,
        W: w + wOffset,
        b: w + bOffset,
        dW: g + wOffset,
        db: g + bOffset,
      };
      wOffset += lw.W.length * 4;
      bOffset += lw.b.length * 4;
      return layer;
    });
    await this.setWeights(weights);
    this.gradNormSums = new Float64Array(this.layers.length);
    this.gradNormBatches = 0;
    this.normBlocks = this.placeNormBlocks();
    this.outputs = this.layers[this.layers.length - 1]!.units;
    this.lossOut = heap.alloc(8);
    const bytes = (data.train.n + data.val.n) * (data.features + data.outputs) * 4;
    this.resident = bytes <= MAX_RESIDENT_DATA_BYTES;
    this.train = this.place(data.train);
    this.val = this.place(data.val);
    this.ensure(CHUNK);
  }

  /**
   * Whether any product of a training step reaches the parallel threshold. A tiny net (spiral 2-32-32-3, batch 32:
   * 65 kFLOP per product) never splits a kernel, so it starts no workers: spawning them cost more than its whole run.
   */
  private teamNeeded(spec: ModelSpec, data: PreparedData): boolean {
    if (spec.batchSize === undefined) return true;
    const rows = Math.min(spec.batchSize, Math.max(data.train.n, 1));
    const threshold = this.options.minParallelWork ?? MIN_PARALLEL_WORK;
    return spec.layers.some((l) => 2 * rows * l.inputs * l.units >= threshold);
  }

  private place(split: Split): SplitData {
    if (!this.resident) return { split, x: 0, labels: 0, targets: 0 };
    return {
      split,
      x: this.rt.upload(split.x),
      labels: split.labels ? this.rt.upload(split.labels) : 0,
      targets: split.targets ? this.rt.upload(split.targets) : 0,
    };
  }

  private ensure(n: number): void {
    if (this.buf && n <= this.buf.capacity) return;
    const heap = this.rt.heap;
    const f32 = (count: number) => heap.alloc(count * 4);
    const widest = Math.max(...this.layers.map((l) => Math.max(l.units, l.inputs)));
    const Z = this.layers.map((l) => f32(n * l.units));
    this.buf = {
      capacity: n,
      Z,
      A: this.layers.map((l, i) => (l.act === ACTIVATION_CODES.identity ? Z[i]! : f32(n * l.units))),
      mask: this.layers.map((l) => (l.dropout > 0 ? f32(n * l.units) : 0)),
      D: this.layers.map((l) => (l.dropout > 0 ? f32(n * l.units) : 0)),
      P: f32(n * this.outputs),
      dA: f32(n * widest),
      dZ: f32(n * widest),
      x: f32(n * this.features),
      labels: f32(n),
      targets: f32(n * this.spec.outputs),
    };
  }

  /** Rows `index[first..first+n)` of the training split (or rows first..first+n of `data` when index is null). */
  private batch(
    data: SplitData,
    first: number,
    n: number,
    index: Uint32Array | null,
  ): { x: number; labels: number; targets: number } {
    const f = this.features;
    const o = this.spec.outputs;
    const { split } = data;
    const heap = this.rt.heap;
    if (this.resident && index === null) {
      return {
        x: data.x + first * f * 4,
        labels: data.labels && data.labels + first * 4,
        targets: data.targets && data.targets + first * o * 4,
      };
    }
    const b = this.buf;
    if (this.resident) {
      const rows = this.order.ptr + first * 4;
      if (this.solo(n * f)) this.rt.exports.gatherRows(data.x, rows, b.x, n, f * 4, 0, 1);
      else this.rt.run('gatherRows', [data.x, rows, b.x, n, f * 4], n * f);
      if (data.labels) this.rt.exports.gatherRows(data.labels, rows, b.labels, n, 4, 0, 1);
      if (data.targets) this.rt.exports.gatherRows(data.targets, rows, b.targets, n, o * 4, 0, 1);
    } else {
      const x = heap.f32(b.x, n * f);
      const labels = heap.u32(b.labels, n);
      const targets = heap.f32(b.targets, n * o);
      for (let i = 0; i < n; i++) {
        const r = index ? index[first + i]! : first + i;
        x.set(split.x.subarray(r * f, r * f + f), i * f);
        if (split.labels) labels[i] = split.labels[r]!;
        if (split.targets) targets.set(split.targets.subarray(r * o, r * o + o), i * o);
      }
    }
    return { x: b.x, labels: data.split.labels ? b.labels : 0, targets: data.split.targets ? b.targets : 0 };
  }

  /** Forward pass of n rows at x; with `step` set, dropout is applied (training). */
  private forward(x: number, n: number, step: number | null): void {
    const b = this.buf;
    const p = this.rt.profile;
    let input = x;
    // Plain loops on the per-batch path: a tiny net's step is a few microseconds, a closure per layer shows.
    for (let li = 0; li < this.layers.length; li++) {
      const l = this.layers[li]!;
      const act = b.A[li] === b.Z[li] ? ACT_NONE : l.act;
      this.rt.gemm(
        LAYOUT.NN,
        n,
        l.units,
        l.inputs,
        input,
        l.inputs,
        l.W,
        l.units,
        b.Z[li]!,
        l.units,
        INIT.BIAS,
        l.b,
        act,
        b.A[li]!,
      );
      p?.lap('forward gemm');
      input = b.A[li]!;
      if (step !== null && l.dropout > 0) {
        const [A, mask, D, seed] = [b.A[li]!, b.mask[li]!, b.D[li]!, this.spec.seed];
        if (this.solo(n * l.units * 8))
          this.rt.exports.dropoutForward(A, mask, D, n, l.units, l.dropout, seed, step, li, 0, 1);
        else this.rt.run('dropoutForward', [A, mask, D, n, l.units, l.dropout, seed, step, li], n * l.units * 8);
        p?.lap('elementwise');
        input = b.D[li]!;
      }
    }
    this.rt.exports.headForward(HEAD_CODES[this.spec.head], b.Z[this.layers.length - 1]!, b.P, n, this.outputs);
    p?.lap('loss');
  }

  private loss(n: number, labels: number, targets: number, backward: boolean): { lossSum: number; correct: number } {
    const b = this.buf;
    const last = this.layers.length - 1;
    const lossSum = this.rt.exports.headLoss(
      HEAD_CODES[this.spec.head],
      LOSS_CODES[this.spec.loss],
      b.Z[last]!,
      b.P,
      n,
      this.outputs,
      labels,
      targets,
      backward ? b.dZ : 0,
      n,
      this.lossOut,
    );
    this.rt.profile?.lap('loss');
    if (this.lossView.buffer !== this.rt.heap.memory.buffer) this.lossView = this.rt.heap.f64(this.lossOut, 1);
    return { lossSum, correct: this.lossView[0]! };
  }

  /** A distilled student: the teacher's term mixed into the output layer's dZ on the JavaScript side (n × k values). */
  private distilled(base: { lossSum: number; correct: number }, order: Uint32Array, first: number, n: number) {
    const heap = this.rt.heap;
    const Z = heap.f32(this.buf.Z[this.layers.length - 1]!, n * this.outputs);
    return distillBatch(
      this.spec.distill!,
      this.spec.head,
      Z,
      heap.f32(this.buf.dZ, n * this.outputs),
      order,
      first,
      n,
      base,
    );
  }

  /** dW, db for every layer from dZ of the output layer, walking back (mirrors Mlp.lossAndBackward). */
  private backward(x: number, n: number, training: boolean): void {
    const b = this.buf;
    const p = this.rt.profile;
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const l = this.layers[li]!;
      const prev = this.layers[li - 1];
      const dropped = training && prev !== undefined && prev.dropout > 0;
      const input = li === 0 ? x : dropped ? b.D[li - 1]! : b.A[li - 1]!;
      this.rt.gemm(LAYOUT.TN, l.inputs, l.units, n, input, l.inputs, b.dZ, l.units, l.dW, l.units);
      p?.lap('backward gemm');
      if (this.solo(n * l.units)) this.rt.exports.columnSums(b.dZ, l.db, n, l.units, 0, 1);
      else this.rt.run('columnSums', [b.dZ, l.db, n, l.units], n * l.units);
      p?.lap('elementwise');
      if (!prev) break;
      this.rt.gemm(LAYOUT.NT, n, l.inputs, l.units, b.dZ, l.units, l.W, l.units, b.dA, l.inputs);
      p?.lap('backward gemm');
      const mask = dropped ? b.mask[li - 1]! : 0;
      const work = n * prev.units * (prev.act === ACTIVATION_CODES.relu ? 1 : 8);
      if (this.solo(work))
        this.rt.exports.activationBackward(prev.act, b.Z[li - 1]!, b.A[li - 1]!, b.dA, mask, b.dZ, n, prev.units, 0, 1);
      else
        this.rt.run(
          'activationBackward',
          [prev.act, b.Z[li - 1]!, b.A[li - 1]!, b.dA, mask, b.dZ, n, prev.units],
          work,
        );
      p?.lap('elementwise');
    }
  }

  private optimize(lr: number, t: number): void {
    const o = this.spec.optimizer;
    const p = this.params;
    const c1 = 1 - Math.pow(o.beta1, t);
    const c2 = 1 - Math.pow(o.beta2, t);
    if (this.solo(p.count * 4)) {
      const code = OPTIMIZER_CODES[o.type];
      const nesterov = o.nesterov ? 1 : 0;
      this.rt.exports.optimizerStep(
        code,
        p.w,
        p.g,
        p.s0,
        p.s1,
        p.count,
        p.weights,
        lr,
        o.weightDecay,
        o.momentum,
        nesterov,
        o.beta1,
        o.beta2,
        o.epsilon,
        c1,
        c2,
        0,
        1,
      );
      this.rt.profile?.lap('update');
      return;
    }
    this.rt.run(
      'optimizerStep',
      [
        OPTIMIZER_CODES[o.type],
        p.w,
        p.g,
        p.s0,
        p.s1,
        p.count,
        p.weights,
        lr,
        o.weightDecay,
        o.momentum,
        o.nesterov ? 1 : 0,
        o.beta1,
        o.beta2,
        o.epsilon,
        c1,
        c2,
      ],
      p.count * 4,
    );
    this.rt.profile?.lap('update');
  }

  /**
   * Whether an element-wise kernel of `work` runs on this thread alone (no team, or too small to split, as
   * KernelRuntime.run decides): then it is called directly, without run's argument array and spread (a tiny net's
   * step is ~10 calls).
   */
  private solo(work: number): boolean {
    return this.rt.threads === 1 || work < this.rt.minParallelElements;
  }

  private get tracksGradientNorms(): boolean {
    return this.options.gradientNorms !== false;
  }

  /** Every layer's dW cut into NORM_BLOCK floats: the table sumOfSquaresBlocks reads, and where its sums go. */
  private placeNormBlocks(): { table: number; out: number; count: number; values: number; first: number[] } {
    const pairs: number[] = [];
    const first: number[] = [];
    for (const l of this.layers) {
      first.push(pairs.length / 2);
      const size = l.inputs * l.units;
      for (let at = 0; at < size; at += NORM_BLOCK) pairs.push(l.dW + at * 4, Math.min(NORM_BLOCK, size - at));
    }
    const count = pairs.length / 2;
    first.push(count);
    const table = this.rt.upload(Uint32Array.from(pairs));
    return { table, out: this.rt.heap.alloc(count * 8), count, values: this.params.weights, first };
  }

  /** Adds each layer's ‖dW‖₂ (the batch-mean gradient, before the optimizer adds weight decay) to its sum. */
  private accumulateGradientNorms(): void {
    const { table, out, count, values, first } = this.normBlocks;
    if (this.solo(values)) this.rt.exports.sumOfSquaresBlocks(table, count, out, 0, 1);
    else this.rt.run('sumOfSquaresBlocks', [table, count, out], values);
    if (this.normView.buffer !== this.rt.heap.memory.buffer || this.normView.byteOffset !== out)
      this.normView = this.rt.heap.f64(out, count);
    const sums = this.normView;
    for (let li = 0; li < this.layers.length; li++) {
      // The blocks in order: the same sum whichever thread computed which block.
      let s = 0;
      for (let b = first[li]!; b < first[li + 1]!; b++) s += sums[b]!;
      this.gradNormSums[li]! += Math.sqrt(s);
    }
    this.gradNormBatches++;
    this.rt.profile?.lap('gradient norms', this.layers.length);
  }

  /** Per layer, the mean ‖dW‖₂ over the batches since the last call (as CpuBackend); [] when not tracked. */
  gradientNorms(): number[] {
    if (!this.tracksGradientNorms) return [];
    const batches = this.gradNormBatches;
    const norms = Array.from(this.gradNormSums, (s) => (batches > 0 ? s / batches : 0));
    this.gradNormSums.fill(0);
    this.gradNormBatches = 0;
    return norms;
  }

  async trainEpoch(plan: EpochPlan, hooks?: EpochHooks): Promise<LossSums | null> {
    const total = plan.order.length;
    const batches = batchCount(total, plan.batchSize);
    this.ensure(Math.min(plan.batchSize, Math.max(total, 1)));
    if (this.resident) {
      if (this.order.length < total) this.order = { ptr: this.rt.heap.alloc(total * 4), length: total };
      this.rt.heap.u32(this.order.ptr, total).set(plan.order);
    }
    const sums: LossSums = { lossSum: 0, correct: 0, count: 0 };
    const gate = hooks?.gate;
    const profile = this.rt.profile;
    profile?.reset();
    let lastYield = performance.now();
    for (let bi = 0; bi < batches; bi++) {
      const first = bi * plan.batchSize;
      const n = Math.min(plan.batchSize, total - first);
      const step = plan.step + bi;
      const { x, labels, targets } = this.batch(this.train, first, n, plan.order);
      profile?.lap('gather');
      this.forward(x, n, step);
      const loss = this.loss(n, labels, targets, true);
      const r = this.spec.distill ? this.distilled(loss, plan.order, first, n) : loss;
      this.backward(x, n, true);
      if (this.tracksGradientNorms) this.accumulateGradientNorms();
      this.optimize(plan.lr, step + 1);
      sums.lossSum += r.lossSum;
      sums.correct += r.correct;
      sums.count += n;
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        if (hooks?.onBatch?.(bi + 1, batches) === true) return null;
      }
      if (gate?.held && bi + 1 < batches && (await gate.afterBatch(bi + 1, batches))) return null;
      profile?.lap('bookkeeping', 0);
    }
    return sums;
  }

  async evaluate(which: 'train' | 'val'): Promise<LossSums> {
    const data = which === 'train' ? this.train : this.val;
    const sums: LossSums = { lossSum: 0, correct: 0, count: 0 };
    for (let s = 0; s < data.split.n; s += CHUNK) {
      const n = Math.min(CHUNK, data.split.n - s);
      const { x, labels, targets } = this.batch(data, s, n, null);
      this.forward(x, n, null);
      const r = this.loss(n, labels, targets, false);
      sums.lossSum += r.lossSum;
      sums.correct += r.correct;
      sums.count += n;
    }
    return sums;
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    const f = this.features;
    const k = this.outputs;
    const out = new Float32Array(n * k);
    const heap = this.rt.heap;
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      heap.f32(this.buf.x, m * f).set(x.subarray(s * f, (s + m) * f));
      this.forward(this.buf.x, m, null);
      out.set(heap.f32(this.buf.P, m * k), s * k);
    }
    return out;
  }

  async getWeights(): Promise<LayerWeights[]> {
    const heap = this.rt.heap;
    return this.layers.map((l, i) => ({
      inputs: l.inputs,
      units: l.units,
      activation: this.spec.layers[i]!.activation,
      W: Float32Array.from(heap.f32(l.W, l.inputs * l.units)),
      b: Float32Array.from(heap.f32(l.b, l.units)),
    }));
  }

  async setWeights(weights: LayerWeights[]): Promise<void> {
    const heap = this.rt.heap;
    weights.forEach((w, i) => {
      const l = this.layers[i]!;
      heap.f32(l.W, l.inputs * l.units).set(w.W);
      heap.f32(l.b, l.units).set(w.b);
    });
  }

  /** The bench's per-phase split of the training epochs that follow (evaluate and predict laps count too); false stops it. */
  profilePhases(on: boolean): PhaseProfile | null {
    return this.rt.profilePhases(on);
  }

  /** The bench's count of split kernels and of those run alone after a late worker. */
  teamRuns(): { split: number; alone: number } {
    return this.rt.teamRuns;
  }

  dispose(): void {
    this.rt?.dispose();
  }
}
