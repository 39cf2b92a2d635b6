// The dispatch lists of one batch, built once per (mode, rows) and replayed: gather → forward (fused bias +
// activation, dropout) → head and loss → per-batch sums → backward (dW = Xᵀ·dZ, db, dX = dZ·Wᵀ, activation and
// dropout backward) → per-layer Σ dW² (gradient norms) → optimizer updates.
/// <reference types="@webgpu/types" />
import type { ModelSpec } from '../backend.ts';
import { KERNELS } from './kernels/index.ts';
import type { LayerParams } from './parameters.ts';
import type { KernelProgram } from './program.ts';
import type { Workspace } from './workspace.ts';

/** A kernel instance to be: the program and the buffers it binds, in binding order. */
export interface Planned {
  program: KernelProgram;
  buffers: GPUBuffer[];
}

/** A split resident on the GPU. */
export interface GpuSplit {
  n: number;
  x: GPUBuffer;
  /** labels (u32) or targets (f32), per row. */
  t: GPUBuffer;
  /** a distilled student's training split: the teacher's logits, rows × k */
  teacher?: GPUBuffer;
}

export class Passes {
  constructor(
    private readonly spec: ModelSpec,
    private readonly params: LayerParams[],
    private readonly ws: Workspace,
  ) {}

  private get labels(): boolean {
    return this.spec.loss !== 'mse' || this.spec.head !== 'identity';
  }

  private get k(): number {
    return this.spec.layers[this.spec.layers.length - 1]!.units;
  }

  private plan(program: KernelProgram, buffers: GPUBuffer[]): Planned {
    return { program, buffers };
  }

  /** The batch's rows of x and t, in the order buffer's order from the batch offset. */
  gather(rows: number, order: GPUBuffer, split: GpuSplit): Planned[] {
    const labels = this.labels;
    return [
      this.plan(KERNELS.gather({ rows, width: this.spec.features, type: 'f32' }), [order, split.x, this.ws.x]),
      this.plan(KERNELS.gather({ rows, width: labels ? 1 : this.k, type: labels ? 'u32' : 'f32' }), [
        order,
        split.t,
        this.ws.t,
      ]),
      ...(split.teacher && this.ws.teacher
        ? [this.plan(KERNELS.gather({ rows, width: this.k, type: 'f32' }), [order, split.teacher, this.ws.teacher])]
        : []),
    ];
  }

  /** The buffer layer `li` reads: the batch x, or the previous layer's (dropped, when training) output. */
  private input(li: number, train: boolean): GPUBuffer {
    if (li === 0) return this.ws.x;
    const prev = this.ws.layers[li - 1]!;
    return train && prev.D ? prev.D : prev.A;
  }

  forward(rows: number, train: boolean): Planned[] {
    const out: Planned[] = [];
    this.spec.layers.forEach((l, li) => {
      const p = this.params[li]!;
      const b = this.ws.layers[li]!;
      const program = KERNELS.matmul({
        variant: 'nn',
        M: rows,
        N: l.units,
        K: l.inputs,
        epilogue: { activation: l.activation },
      });
      const outputs = l.activation === 'identity' ? [b.Z] : [b.Z, b.A];
      out.push(this.plan(program, [this.input(li, train), p.W, p.b, ...outputs]));
      if (train && b.D)
        out.push(
          this.plan(KERNELS.dropout({ count: rows * l.units, rate: l.dropout, seed: this.spec.seed, layer: li }), [
            b.A,
            b.D,
          ]),
        );
    });
    return out;
  }

  /** Head output P; with `loss`, also dZ and the batch's [loss sum, correct] in its sums slot; with `teacher`
   *  (a distilled student's training batch), the teacher's term mixed into both before the sums. */
  head(rows: number, loss: boolean, teacher = false): Planned[] {
    const last = this.ws.layers[this.ws.layers.length - 1]!;
    const targets = this.labels ? 'labels' : 'values';
    const program = KERNELS.loss({
      head: this.spec.head,
      loss: loss ? this.spec.loss : null,
      targets,
      rows,
      k: this.k,
    });
    if (!loss) return [this.plan(program, [last.Z, this.ws.P])];
    const d = this.spec.distill;
    const distill =
      teacher && d && this.ws.teacher
        ? [
            this.plan(
              KERNELS.distill({
                loss: d.loss,
                temperature: d.temperature,
                alpha: d.alpha,
                head: this.spec.head,
                rows,
                k: this.k,
              }),
              [last.Z, this.ws.teacher, this.ws.dZ, this.ws.stats],
            ),
          ]
        : [];
    return [
      this.plan(program, [last.Z, this.ws.P, this.ws.t, this.ws.dZ, this.ws.stats]),
      ...distill,
      this.plan(KERNELS.reduceSums({ rows }), [this.ws.stats, this.ws.sums]),
    ];
  }

  backward(rows: number): Planned[] {
    const out: Planned[] = [];
    for (let li = this.spec.layers.length - 1; li >= 0; li--) {
      const l = this.spec.layers[li]!;
      const p = this.params[li]!;
      out.push(
        this.plan(KERNELS.matmul({ variant: 'tn', M: l.inputs, N: l.units, K: rows }), [
          this.input(li, true),
          this.ws.dZ,
          p.dW,
        ]),
      );
      out.push(this.plan(KERNELS.columnSum({ rows, cols: l.units }), [this.ws.dZ, p.db]));
      if (li === 0) break;
      out.push(
        this.plan(KERNELS.matmul({ variant: 'nt', M: rows, N: l.inputs, K: l.units }), [this.ws.dZ, p.W, this.ws.dA]),
      );
      const prev = this.spec.layers[li - 1]!;
      const pb = this.ws.layers[li - 1]!;
      const dropout = prev.dropout > 0 ? { rate: prev.dropout, seed: this.spec.seed, layer: li - 1 } : undefined;
      const program = KERNELS.activationBackward({ activation: prev.activation, count: rows * prev.units, dropout });
      out.push(this.plan(program, [this.ws.dA, pb.Z, pb.A, this.ws.dZ]));
    }
    return out;
  }

  /** Each layer's Σ dW² into its partials row, then all layers folded into the batch's row of gradSquares. */
  gradientSquares(): Planned[] {
    const out = this.params.map((p, li) =>
      this.plan(KERNELS.sumOfSquares({ count: p.inputs * p.units, layer: li }), [p.dW, this.ws.gradPartials]),
    );
    out.push(
      this.plan(KERNELS.foldSquares({ layers: this.params.length }), [this.ws.gradPartials, this.ws.gradSquares]),
    );
    return out;
  }

  update(): Planned[] {
    const opt = this.spec.optimizer;
    return this.params.flatMap((p) => [
      this.plan(KERNELS.optimizer({ optimizer: opt, count: p.inputs * p.units, decay: true }), [
        p.W,
        p.dW,
        ...p.stateW,
      ]),
      this.plan(KERNELS.optimizer({ optimizer: opt, count: p.units, decay: false }), [p.b, p.db, ...p.stateB]),
    ]);
  }
}
