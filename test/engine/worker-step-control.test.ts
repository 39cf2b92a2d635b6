// Play / pause / step / pace through a real engine worker thread, on the JS reference (float64) and the WebAssembly
// SIMD backend (float32): however the run is interrupted, its per-epoch numbers are bit-identical to an
// uninterrupted run's, and a pause shows the weights after exactly that step.
import { describe, expect, it } from 'vitest';
import { runInWorker } from '../../engine/host/node/engine-client.ts';
import type { StepPosition } from '../../engine/trainer.ts';
import type { EpochMetrics, ModelSnapshot } from '../../engine/types.ts';

// 300 training rows / 32 → 10 batches an epoch (the last short), dropout so the step counter matters too.
const base = {
  dataset: { name: 'moons', samples: 375, noise: 0.1, seed: 2 },
  validationSplit: 0.2,
  model: {
    layers: [
      { units: 12, activation: 'tanh' as const, dropout: 0.1 },
      { units: 8, activation: 'relu' as const },
    ],
  },
  optimizer: { type: 'adam' as const, lr: 0.01 },
  batchSize: 32,
  epochs: 6,
  seed: 7,
  backend: 'cpu' as const,
};

const BACKENDS = [
  { name: 'cpu reference (float64)', precision: 'float64' as const, kernels: 'js' },
  { name: 'wasm-simd (float32)', precision: 'float32' as const, kernels: 'wasm-relaxed-simd' },
];

/** The metrics that must repeat exactly; durations and throughput are measurements, not results. */
const numbers = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.valLoss, m.trainAcc, m.valAcc, m.lr];

async function uninterrupted(config: typeof base & { precision: 'float32' | 'float64' }) {
  const epochs: EpochMetrics[] = [];
  const finals: ModelSnapshot[] = [];
  const { backend } = await runInWorker(config, {
    onEpoch: (m) => void epochs.push(m),
    onCheckpoint: (kind, _e, s) => void (kind === 'final' && finals.push(s)),
  }).result;
  return { epochs, final: finals[0]!, backend };
}

/** A run driven by `script`, called at every pause with where it stands; it returns the next control. */
function driven(
  config: typeof base & { precision: 'float32' | 'float64' },
  script: (at: StepPosition, snapshot: ModelSnapshot, epochs: EpochMetrics[]) => 'batch' | 'epoch' | 'play',
  options: { paused?: boolean; epochsPerSecond?: number | null } = { paused: true },
) {
  const epochs: EpochMetrics[] = [];
  const pauses: { at: StepPosition; snapshot: ModelSnapshot; epochsSeen: number }[] = [];
  const run = runInWorker(
    config,
    {
      onEpoch: (m) => void epochs.push(m),
      onPaused: (at, snapshot) => {
        pauses.push({ at, snapshot, epochsSeen: epochs.length });
        const next = script(at, snapshot, epochs);
        if (next === 'play') run.play();
        else run.step(next);
      },
    },
    options,
  );
  return { run, epochs, pauses };
}

const weightsOf = (s: ModelSnapshot) => s.layers.map((l) => [Array.from(l.W), Array.from(l.b)]);

describe.each(BACKENDS)('step control in a worker thread: $name', ({ precision, kernels }) => {
  const config = { ...base, precision };

  it('pause, step a minibatch, step an epoch, play: the same per-epoch numbers as an uninterrupted run', async () => {
    const plain = await uninterrupted(config);
    expect(plain.backend.kernels).toBe(kernels);
    // Start paused; 3 minibatches, then one epoch (to the end of epoch 1), another epoch, 2 minibatches, then play.
    const plan: ('batch' | 'epoch' | 'play')[] = ['batch', 'batch', 'batch', 'epoch', 'epoch', 'batch', 'batch'];
    const d = driven(config, () => plan.shift() ?? 'play');
    const { summary } = await d.run.result;
    expect(summary.status).toBe('completed');
    expect(d.epochs.map(numbers)).toEqual(plain.epochs.map(numbers));
    expect(d.pauses.map((p) => `${p.at.epoch}:${p.at.batch}/${p.at.batches}`)).toEqual([
      '0:0/10',
      '0:1/10',
      '0:2/10',
      '0:3/10',
      '1:0/10',
      '2:0/10',
      '2:1/10',
      '2:2/10',
    ]);
    // A pause at an epoch's end comes after that epoch's metrics, so the curves show the paused step.
    expect(d.pauses.map((p) => p.epochsSeen)).toEqual([0, 0, 0, 0, 1, 2, 2, 2]);
  });

  it('a pause at the end of epoch k shows the weights an uninterrupted run ends epoch k with', async () => {
    const short = await uninterrupted({ ...config, epochs: 2 });
    let first: ModelSnapshot | null = null;
    const d = driven(config, (at, snapshot) => {
      if (at.epoch === 2) first ??= snapshot;
      return at.epoch < 2 ? 'epoch' : 'play';
    });
    await d.run.result;
    expect(first).not.toBeNull();
    expect(weightsOf(first!)).toEqual(weightsOf(short.final));
  });

  it('mid-epoch pauses show the weights after that minibatch: each minibatch step changes them', async () => {
    const plan: ('batch' | 'play')[] = ['batch', 'batch', 'batch'];
    const d = driven(config, () => plan.shift() ?? 'play');
    await d.run.result;
    const seen = d.pauses.slice(0, 4).map((p) => JSON.stringify(weightsOf(p.snapshot)));
    expect(new Set(seen).size).toBe(4);
  });

  it('paced at 40 epochs/s, paused and resumed from the host at any moment: the same numbers', async () => {
    const plain = await uninterrupted(config);
    const epochs: EpochMetrics[] = [];
    const run = runInWorker(
      { ...config, epochs: 12 },
      { onEpoch: (m) => void epochs.push(m) },
      { epochsPerSecond: 40 },
    );
    // Pauses land wherever the worker is; the schedule is the host's, not the engine's.
    let ticks = 0;
    const toggle = setInterval(() => (ticks++ % 2 === 0 ? run.pause() : run.play()), 7);
    setTimeout(() => run.setSpeed(null), 150);
    const done = run.result.finally(() => clearInterval(toggle));
    setTimeout(() => (clearInterval(toggle), run.play()), 600);
    await done;
    const long = await uninterrupted({ ...config, epochs: 12 });
    expect(epochs.map(numbers)).toEqual(long.epochs.map(numbers));
    expect(epochs.slice(0, 6).map(numbers)).toEqual(plain.epochs.map(numbers));
  });

  it('cancel while paused ends the run as cancelled, with nothing trained past the pause', async () => {
    const epochs: EpochMetrics[] = [];
    let stops = 0;
    const run = runInWorker(
      config,
      {
        onEpoch: (m) => void epochs.push(m),
        // two minibatches, then cancel at the third pause
        onPaused: () => (++stops === 3 ? run.cancel() : run.step('batch')),
      },
      { paused: true },
    );
    const { summary } = await run.result;
    expect(summary.status).toBe('cancelled');
    expect(stops).toBe(3);
    expect(epochs).toEqual([]);
  });
});
