// Distilled students in a real engine worker thread: the teacher's best checkpoint goes in with `start`, its logits
// are computed there once, and the student trains the same loss on the float64 reference and on wasm-simd.
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, runInWorker } from '../../engine/host/node/engine-client.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { Mlp } from '../../engine/backends/cpu/mlp.ts';
import { applyStandardize } from '../../engine/data/prepare.ts';
import { teacherLogits } from '../../engine/distill.ts';
import type { ExperimentConfigInput } from '../../engine/config.ts';
import type { EpochMetrics, ModelSnapshot } from '../../engine/types.ts';

const dataset = { name: 'spiral', samples: 600, classes: 3, noise: 0.1 };
const teacherConfig: ExperimentConfigInput = {
  dataset,
  model: {
    layers: [
      { units: 32, activation: 'tanh' },
      { units: 32, activation: 'tanh' },
    ],
  },
  optimizer: { type: 'adam', lr: 0.01 },
  batchSize: 32,
  epochs: 30,
  seed: 2,
  backend: 'cpu',
};
const student = (
  distill: ExperimentConfigInput['distill'],
  extra: ExperimentConfigInput = {},
): ExperimentConfigInput => ({
  ...teacherConfig,
  model: { layers: [{ units: 8, activation: 'relu' }] },
  epochs: 3,
  seed: 5,
  distill,
  ...extra,
});

async function trainOnce(config: ExperimentConfigInput, teacher?: ModelSnapshot) {
  const epochs: EpochMetrics[] = [];
  let best: ModelSnapshot | null = null;
  const run = runInWorker(
    config,
    {
      onEpoch: (m) => void epochs.push(m),
      onCheckpoint: (kind, _epoch, snapshot) => {
        if (kind === 'best') best = snapshot;
      },
    },
    { teacher },
  );
  const { summary, backend } = await run.result;
  return { summary, backend, epochs, best: best as ModelSnapshot | null };
}

let teacher: ModelSnapshot;
beforeAll(async () => {
  const r = await trainOnce(teacherConfig);
  expect(r.summary.status).toBe('completed');
  teacher = r.best!;
}, 120_000);

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);

describe('distilled students in the engine worker', () => {
  it('the teacher logits are its output layer before the head, on its own standardisation', async () => {
    const n = 50;
    const raw = Float32Array.from({ length: n * 2 }, (_, i) => Math.sin(i * 1.7) * 1.5);
    const logits = await teacherLogits({ snapshot: teacher, backend: async () => new CpuBackend('float64') }, raw, n);
    const x = raw.slice();
    applyStandardize(x, 2, teacher.standardize!);
    const mlp = new Mlp(
      'float64',
      teacher.layers.map((l) => ({ ...l, dropout: 0 })),
      'identity',
      'mse',
    );
    const Z = mlp.forward(Float64Array.from(x), n);
    for (let i = 0; i < n * 3; i++) expect(Math.abs(logits[i]! - Z[i]!)).toBeLessThan(1e-5);
  });

  for (const distill of [
    { teacher: 'T', loss: 'mimic-l2' as const, alpha: 0 },
    { teacher: 'T', loss: 'soft-ce' as const, temperature: 3, alpha: 0.2 },
  ])
    it(`${distill.loss}: wasm-simd trains the loss of the float64 reference (per-epoch losses within 1e-3)`, async () => {
      const ref = await trainOnce(student(distill, { precision: 'float64' }), teacher);
      const fast = await trainOnce(student(distill), teacher);
      const labels = await trainOnce(student(undefined));
      expect(ref.backend.kernels).toBe('js');
      expect(fast.backend.kernels).toBe('wasm-relaxed-simd');
      expect(ref.summary.status).toBe('completed');
      ref.epochs.forEach((m, i) => {
        expect(relative(fast.epochs[i]!.trainLoss, m.trainLoss)).toBeLessThan(1e-3);
        expect(relative(fast.epochs[i]!.valLoss!, m.valLoss!)).toBeLessThan(1e-3);
      });
      // the teacher's term is in the objective: the training loss is not the label-only run's
      expect(relative(fast.epochs[0]!.trainLoss, labels.epochs[0]!.trainLoss)).toBeGreaterThan(1e-2);
    }, 120_000);

  it('a distill config without the teacher checkpoint fails naming distill.teacher', async () => {
    const err = await trainOnce(student({ teacher: 'run-x', loss: 'mimic-l2' })).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('invalid_config');
    expect(err.field).toBe('distill.teacher');
    expect(err.message).toMatch(/run-x/);
  });

  it('soft-ce from a regression teacher fails naming distill.loss', async () => {
    const sine = {
      dataset: { name: 'sine', samples: 200 },
      model: { layers: [{ units: 8 }] },
      epochs: 2,
      backend: 'cpu' as const,
    };
    const t = await trainOnce(sine);
    const err = await trainOnce({ ...sine, distill: { teacher: 'run-s', loss: 'soft-ce' } }, t.best!).catch((e) => e);
    expect(err.code).toBe('invalid_config');
    expect(err.field).toBe('distill.loss');
    expect(err.message).toMatch(/regression/);
  });
});
