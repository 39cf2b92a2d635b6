// The distill kernel's conformance cases (engine/backends/webgpu/kernels/distill.ts) for test/browser/kernels.test.ts:
// the teacher's term against distillTerm in float64, mixed into a given true-label dZ and loss stat, at 1, 33 and 130
// rows, for mimic-l2 and soft-ce (softmax and sigmoid heads) with alpha 0 and 0.3.
import type { ResolvedHead } from '../../engine/config.ts';
import { KERNELS } from '../../engine/backends/webgpu/kernels/index.ts';
import { distillTerm, type DistillLoss } from '../../engine/model/losses.ts';
import { Rng } from '../../engine/rng.ts';
import { relativeError, runProgram } from './gpu-harness.ts';

export interface DistillCase {
  kernel: 'distill';
  name: string;
  run(): Promise<Record<string, number>>;
}

const SETTINGS: { d: DistillLoss; head: ResolvedHead; k: number }[] = [
  { d: { loss: 'mimic-l2', temperature: 1, alpha: 0 }, head: 'softmax', k: 10 },
  { d: { loss: 'mimic-l2', temperature: 1, alpha: 0.3 }, head: 'identity', k: 3 },
  { d: { loss: 'soft-ce', temperature: 4, alpha: 0 }, head: 'softmax', k: 10 },
  { d: { loss: 'soft-ce', temperature: 2, alpha: 0.3 }, head: 'softmax', k: 2 },
  { d: { loss: 'soft-ce', temperature: 3, alpha: 0.3 }, head: 'sigmoid', k: 1 },
];

export function distillCases(): DistillCase[] {
  let seed = 900;
  const random = (n: number, spread: number) => {
    const rng = new Rng(seed++);
    return Float32Array.from({ length: n }, () => rng.uniform(-spread, spread));
  };
  return SETTINGS.flatMap(({ d, head, k }) =>
    [1, 33, 130].map((rows): DistillCase => ({
      kernel: 'distill',
      name: `distill ${d.loss} T=${d.temperature} α=${d.alpha} head ${head} k=${k} ×${rows}`,
      async run() {
        const Z = random(rows * k, 4);
        const TL = random(rows * k, 6);
        const dZ = random(rows * k, 0.1);
        const stats = Float32Array.from({ length: rows * 2 }, (_, i) =>
          i % 2 === 0 ? 0.5 + i / rows : i % 4 === 1 ? 1 : 0,
        );
        const wantDZ = Float64Array.from(dZ);
        const wantStats = Float64Array.from(stats);
        for (let i = 0; i < rows; i++) {
          const row = (a: ArrayLike<number>) => Float64Array.from({ length: k }, (_, j) => a[i * k + j]!);
          const g = row(dZ);
          const term = distillTerm(d, head, row(Z), row(TL), 1, k, g, rows);
          wantDZ.set(g, i * k);
          wantStats[2 * i] = d.alpha * stats[2 * i]! + (1 - d.alpha) * term;
        }
        const out = await runProgram(KERNELS.distill({ ...d, head, rows, k }), [Z, TL, dZ, stats]);
        const got = out[3]!;
        const column = (a: ArrayLike<number>, c: number) =>
          Float64Array.from({ length: rows }, (_, i) => a[2 * i + c]!);
        return {
          dZ: relativeError(out[2]!, wantDZ),
          loss: relativeError(column(got, 0), column(wantStats, 0)),
          correct: relativeError(column(got, 1), column(wantStats, 1)),
        };
      },
    })),
  );
}
