// The CPU reference backend: the typed-array Mlp plus the optimizer, in float32 or float64.
import type { PreparedData, Split } from '../../data/prepare.ts';
import type { Float } from '../../model/activations.ts';
import { optimizerStep, stateSlots } from '../../model/optimizers.ts';
import type { BackendInfo, LayerWeights } from '../../types.ts';
import {
  batchCount,
  type EpochHooks,
  type EpochPlan,
  type LossSums,
  type ModelSpec,
  type TrainingBackend,
} from '../backend.ts';
import { Mlp, type Precision } from './mlp.ts';
import { YIELD_EVERY_MS, yieldToEventLoop } from '../../yield.ts';

export class CpuBackend implements TrainingBackend {
  readonly info: BackendInfo;
  private mlp!: Mlp;
  private spec!: ModelSpec;
  private data!: PreparedData;
  private state: { W: Float[]; b: Float[] }[] = [];
  private xBatch!: Float;
  private labelBatch!: Uint32Array;
  private targetBatch!: Float;
  /** a distilled student's batch of teacher logits (rows × output units) */
  private teacherBatch: Float32Array | null = null;
  /** per layer: sum over batches of ‖dW‖₂ since gradientNorms() was last called, and how many batches */
  private gradNormSums: number[] = [];
  private gradNormBatches = 0;

  constructor(readonly precision: Precision = 'float32') {
    this.info = { backend: 'cpu', kernels: 'js', precision, threads: 1 };
  }

  async init(spec: ModelSpec, weights: LayerWeights[], data: PreparedData): Promise<void> {
    this.spec = spec;
    this.data = data;
    this.mlp = new Mlp(
      this.precision,
      weights.map((w, i) => ({ ...w, dropout: spec.layers[i]!.dropout })),
      spec.head,
      spec.loss,
      spec.distill ?? null,
    );
    const slots = stateSlots(spec.optimizer);
    const alloc = (n: number): Float => (this.precision === 'float64' ? new Float64Array(n) : new Float32Array(n));
    this.state = this.mlp.layers.map((l) => ({
      W: Array.from({ length: slots }, () => alloc(l.W.length)),
      b: Array.from({ length: slots }, () => alloc(l.b.length)),
    }));
    this.gradNormSums = this.mlp.layers.map(() => 0);
    this.gradNormBatches = 0;
  }

  private gather(split: Split, rows: Uint32Array): number {
    const f = this.data.features;
    const n = rows.length;
    if (!this.xBatch || this.xBatch.length < n * f) {
      this.xBatch = this.precision === 'float64' ? new Float64Array(n * f) : new Float32Array(n * f);
      this.labelBatch = new Uint32Array(n);
      const o = this.data.outputs;
      this.targetBatch = this.precision === 'float64' ? new Float64Array(n * o) : new Float32Array(n * o);
    }
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      this.xBatch.set(split.x.subarray(r * f, r * f + f), i * f);
    }
    if (split.labels) for (let i = 0; i < n; i++) this.labelBatch[i] = split.labels[rows[i]!]!;
    if (split.targets) {
      const o = this.data.outputs;
      for (let i = 0; i < n; i++) this.targetBatch.set(split.targets.subarray(rows[i]! * o, rows[i]! * o + o), i * o);
    }
    return n;
  }

  private targetsOf(split: Split) {
    return split.labels ? { labels: this.labelBatch } : { targets: this.targetBatch };
  }

  /** The teacher's logits of training rows `rows` (a distilled student), else null. */
  private teacherRows(rows: Uint32Array): Float32Array | null {
    const d = this.spec.distill;
    if (!d) return null;
    const k = this.mlp.outputUnits;
    if (!this.teacherBatch || this.teacherBatch.length < rows.length * k)
      this.teacherBatch = new Float32Array(rows.length * k);
    for (let i = 0; i < rows.length; i++)
      this.teacherBatch.set(d.logits.subarray(rows[i]! * k, rows[i]! * k + k), i * k);
    return this.teacherBatch;
  }

  async trainEpoch(plan: EpochPlan, hooks?: EpochHooks): Promise<LossSums | null> {
    const split = this.data.train;
    const batches = batchCount(plan.order.length, plan.batchSize);
    const sums: LossSums = { lossSum: 0, correct: 0, count: 0 };
    const gate = hooks?.gate;
    let lastYield = performance.now();
    for (let bi = 0; bi < batches; bi++) {
      const rows = plan.order.subarray(bi * plan.batchSize, Math.min((bi + 1) * plan.batchSize, plan.order.length));
      const n = this.gather(split, rows);
      const step = plan.step + bi;
      this.mlp.forward(this.xBatch, n, { seed: this.spec.seed, step });
      const teacher = this.teacherRows(rows);
      const targets = teacher ? { ...this.targetsOf(split), teacher } : this.targetsOf(split);
      const r = this.mlp.lossAndBackward(this.xBatch, n, targets, true);
      sums.lossSum += r.lossSum;
      sums.correct += r.correct;
      sums.count += n;
      this.gradNormBatches++;
      this.mlp.layers.forEach((l, li) => {
        this.gradNormSums[li]! += l2Norm(l.dW);
        optimizerStep(this.spec.optimizer, l.W, l.dW, this.state[li]!.W, plan.lr, step + 1, true);
        optimizerStep(this.spec.optimizer, l.b, l.db, this.state[li]!.b, plan.lr, step + 1, false);
      });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        if (hooks?.onBatch?.(bi + 1, batches) === true) return null;
      }
      if (gate?.held && bi + 1 < batches && (await gate.afterBatch(bi + 1, batches))) return null;
    }
    return sums;
  }

  async evaluate(which: 'train' | 'val'): Promise<LossSums> {
    const split = which === 'train' ? this.data.train : this.data.val;
    const sums: LossSums = { lossSum: 0, correct: 0, count: 0 };
    const chunk = 1024;
    const all = new Uint32Array(split.n).map((_, i) => i);
    for (let s = 0; s < split.n; s += chunk) {
      const rows = all.subarray(s, Math.min(s + chunk, split.n));
      const n = this.gather(split, rows);
      this.mlp.forward(this.xBatch, n);
      const r = this.mlp.lossAndBackward(this.xBatch, n, this.targetsOf(split), false);
      sums.lossSum += r.lossSum;
      sums.correct += r.correct;
      sums.count += n;
    }
    return sums;
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    const f = this.data?.features ?? this.mlp.layers[0]!.inputs;
    const k = this.mlp.outputUnits;
    const out = new Float32Array(n * k);
    const chunk = 1024;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const X =
        this.precision === 'float64'
          ? Float64Array.from(x.subarray(s * f, (s + m) * f))
          : x.subarray(s * f, (s + m) * f);
      const P = this.mlp.forward(X, m);
      out.set(P.subarray(0, m * k), s * k);
    }
    return out;
  }

  gradientNorms(): number[] {
    const batches = this.gradNormBatches;
    const norms = this.gradNormSums.map((s) => (batches > 0 ? s / batches : 0));
    this.gradNormSums.fill(0);
    this.gradNormBatches = 0;
    return norms;
  }

  async getWeights(): Promise<LayerWeights[]> {
    return this.mlp.layers.map((l) => ({
      inputs: l.inputs,
      units: l.units,
      activation: l.activation,
      W: Float32Array.from(l.W),
      b: Float32Array.from(l.b),
    }));
  }

  async setWeights(weights: LayerWeights[]): Promise<void> {
    weights.forEach((w, i) => {
      this.mlp.layers[i]!.W.set(w.W);
      this.mlp.layers[i]!.b.set(w.b);
    });
  }

  dispose(): void {}
}

function l2Norm(a: Float): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
