// The reference MLP on typed arrays, float32 or float64: forward and backward through any depth, written as the
// lecture writes it. The CPU backend trains with it; gradient checks call it directly in float64.
import type { ResolvedHead, ResolvedLoss } from '../../config.ts';
import { activationBackward, activationForward, type Float } from '../../model/activations.ts';
import { linearBackwardInput, linearBackwardParams, linearForward } from '../../model/linear.ts';
import {
  distilledHeadLoss,
  headForward,
  headLoss,
  type DistillLoss,
  type LossResult,
  type LossTargets,
} from '../../model/losses.ts';
import { hashUniform } from '../../rng.ts';
import type { Activation } from '../../config.ts';

export type Precision = 'float32' | 'float64';

export interface MlpLayer {
  inputs: number;
  units: number;
  activation: Activation;
  dropout: number;
  W: Float;
  b: Float;
  dW: Float;
  db: Float;
}

function alloc(precision: Precision, n: number): Float {
  return precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export class Mlp {
  readonly layers: MlpLayer[];
  private capacity = 0;
  /** per layer: pre-activation Z, activation A = f(Z), and for dropout layers the mask and the dropped output. */
  private Z: Float[] = [];
  private A: Float[] = [];
  private mask: (Float | null)[] = [];
  private dropped: (Float | null)[] = [];
  /** what each layer passed on in the last forward pass (A, or the dropped copy in training). */
  private out: Float[] = [];
  private P!: Float;
  private dA!: Float;
  private dZ!: Float;

  constructor(
    readonly precision: Precision,
    shapes: {
      inputs: number;
      units: number;
      activation: Activation;
      dropout: number;
      W: ArrayLike<number>;
      b: ArrayLike<number>;
    }[],
    readonly head: ResolvedHead,
    readonly loss: ResolvedLoss,
    /** a distilled student: batches that carry the teacher's logits train on distilledHeadLoss */
    readonly distill: DistillLoss | null = null,
  ) {
    this.layers = shapes.map((s) => {
      const W = alloc(precision, s.inputs * s.units);
      const b = alloc(precision, s.units);
      W.set(s.W);
      b.set(s.b);
      return {
        inputs: s.inputs,
        units: s.units,
        activation: s.activation,
        dropout: s.dropout,
        W,
        b,
        dW: alloc(precision, W.length),
        db: alloc(precision, b.length),
      };
    });
  }

  get outputUnits(): number {
    return this.layers[this.layers.length - 1]!.units;
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    const widest = Math.max(...this.layers.map((l) => Math.max(l.units, l.inputs)));
    this.Z = this.layers.map((l) => alloc(this.precision, n * l.units));
    this.A = this.layers.map((l) => alloc(this.precision, n * l.units));
    this.mask = this.layers.map((l) => (l.dropout > 0 ? alloc(this.precision, n * l.units) : null));
    this.dropped = this.layers.map((l) => (l.dropout > 0 ? alloc(this.precision, n * l.units) : null));
    this.P = alloc(this.precision, n * this.outputUnits);
    this.dA = alloc(this.precision, n * widest);
    this.dZ = alloc(this.precision, n * widest);
  }

  /**
   * Forward pass for n rows of X. With `dropoutStep` set, inverted dropout is applied (training), the mask drawn
   * from hashUniform(seed, step, layer, row·units + unit). Returns the head output P (n × outputUnits).
   */
  forward(X: Float, n: number, dropout?: { seed: number; step: number }): Float {
    this.ensure(n);
    let input = X;
    this.layers.forEach((l, li) => {
      const Z = this.Z[li]!;
      const A = this.A[li]!;
      linearForward(input, l.W, l.b, Z, n, l.inputs, l.units);
      activationForward(l.activation, Z, A, n * l.units);
      const mask = this.mask[li];
      const D = this.dropped[li];
      if (dropout && mask && D) {
        const scale = 1 / (1 - l.dropout);
        for (let i = 0; i < n * l.units; i++) {
          const m = hashUniform(dropout.seed, dropout.step, li, i) < l.dropout ? 0 : scale;
          mask[i] = m;
          D[i] = A[i]! * m;
        }
        input = D;
      } else {
        input = A;
      }
      this.out[li] = input;
    });
    const last = this.layers.length - 1;
    headForward(this.head, this.Z[last]!, this.P, n, this.outputUnits);
    return this.P;
  }

  /** Loss sums of the last forward pass; with `backward`, also every layer's dW and db (mean over the batch). */
  lossAndBackward(X: Float, n: number, targets: LossTargets, backward: boolean): LossResult {
    const last = this.layers.length - 1;
    const k = this.outputUnits;
    const Z = this.Z[last]!;
    const dZ = backward ? this.dZ : null;
    const teacher = targets.teacher;
    const result =
      this.distill && teacher
        ? distilledHeadLoss(this.distill, this.head, this.loss, Z, this.P, n, k, { ...targets, teacher }, dZ)
        : headLoss(this.head, this.loss, Z, this.P, n, k, targets, dZ);
    if (!backward) return result;
    // dZ holds ∂L/∂Z of the output layer; walk back through the layers.
    for (let li = last; li >= 0; li--) {
      const l = this.layers[li]!;
      const input = li === 0 ? X : this.out[li - 1]!;
      linearBackwardParams(input, this.dZ, l.dW, l.db, n, l.inputs, l.units);
      if (li === 0) break;
      const prev = this.layers[li - 1]!;
      linearBackwardInput(this.dZ, l.W, this.dA, n, l.inputs, l.units);
      const mask = this.mask[li - 1];
      const count = n * prev.units;
      if (mask && this.out[li - 1] === this.dropped[li - 1]) for (let i = 0; i < count; i++) this.dA[i]! *= mask[i]!;
      activationBackward(prev.activation, this.Z[li - 1]!, this.A[li - 1]!, this.dA, this.dZ, count);
    }
    return result;
  }
}
