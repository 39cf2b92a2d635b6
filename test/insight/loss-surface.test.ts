// The loss surface of a run the real trainer trained into a real store (in-process, so its onStart's initial weights
// can be seen): the plane's centre and the line's α = 1 are the run's final weights and give its stored validation
// loss, α = 0 gives the losses of the trainer's own initial weights, the directions are filter-normalised per unit,
// and the worker stops on cancel without storing anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun, RunStore } from '../../db/index.ts';
import { CpuBackend } from '../../engine/backends/cpu/backend.ts';
import { parseConfig, splitSeed, type ExperimentConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData, splitOptions } from '../../engine/data/prepare.ts';
import { Rng } from '../../engine/rng.ts';
import { train } from '../../engine/trainer.ts';
import type { LayerWeights, ModelSnapshot } from '../../engine/types.ts';
import {
  filterNormalize,
  project,
  randomDirection,
  SurfaceCancelledError,
  SurfaceOptionsSchema,
} from '../../insight/loss-surface.ts';
import { initialWeights, runLossSurface, SURFACE_ARTIFACT } from '../../insight/node/loss-surface-run.ts';
import { tempDir } from '../db/helpers.ts';

const tmp = tempDir();
let store: RunStore;
let runId: string;
let config: ExperimentConfig;
let initial: ModelSnapshot;

/** Mean losses of `layers` on the run's splits by the JS reference backend: an evaluation apart from the worker's. */
async function referenceLosses(layers: LayerWeights[]): Promise<{ train: number; val: number }> {
  const data = prepareData(
    loadBuiltinDataset(config.dataset),
    config.validationSplit,
    true,
    splitSeed(config.dataset),
    splitOptions(config),
  );
  const backend = new CpuBackend('float32');
  const spec = {
    features: data.features,
    outputs: data.outputs,
    head: initial.head,
    loss: initial.loss,
    layers: layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation, dropout: 0 })),
    optimizer: config.optimizer,
    seed: config.seed,
  };
  await backend.init(spec, layers, data);
  const t = await backend.evaluate('train');
  const v = await backend.evaluate('val');
  return { train: t.lossSum / t.count, val: v.lossSum / v.count };
}

beforeAll(async () => {
  store = new RunStore(tmp.file('w.db'));
  config = parseConfig({
    dataset: { name: 'spiral', samples: 300, classes: 3 },
    model: { layers: [{ units: 12, activation: 'tanh' }, { units: 8 }] },
    epochs: 30,
    seed: 7,
    // the plain seeded cut (as a config from before stratified splits reads): the surface must split as training did
    stratify: 'none',
    backend: 'cpu',
  });
  runId = store.createRun(config);
  const rec = recordRun(store, runId);
  const { summary } = await train(config, loadBuiltinDataset(config.dataset), new CpuBackend('float32'), {
    onStart: (info) => {
      initial = info.initial;
      rec.onStarted(info.backend, info.data);
    },
    onEpoch: (m) => rec.onEpoch(m),
    onCheckpoint: (kind, epoch, snapshot) => rec.onCheckpoint(kind, epoch, snapshot),
  });
  rec.onFinished(summary);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('loss surface of a stored run', () => {
  it("recomputes the trainer's initial weights from the config's seed, bit for bit", () => {
    const again = initialWeights(store.getRun(runId));
    expect(again).toHaveLength(initial.layers.length);
    again.forEach((l, i) => {
      expect(l.W).toEqual(initial.layers[i]!.W);
      expect(l.b).toEqual(initial.layers[i]!.b);
    });
  });

  it('centre and α = 1 give the final losses, α = 0 the initial ones; stored once, then read back', async () => {
    const progress: number[] = [];
    const options = SurfaceOptionsSchema.parse({ grid: 9, range: 0.5 });
    const { surface, artifact, reused } = await runLossSurface(store, runId, options, {
      onProgress: (done) => progress.push(done),
    });
    expect(reused).toBe(false);
    expect(progress.at(-1)).toBe(surface.evaluations);
    expect(surface.evaluations).toBe(31 + 81);
    const run = store.getRun(runId);
    const final = store.getCheckpoint(runId, 'final')!;
    // float32 on another backend's kernels (the worker's wasm-simd) against the trainer's JS epoch evaluation
    expect(surface.origin.val!).toBeCloseTo(run.finalValLoss!, 5);
    const ref = await referenceLosses(final.snapshot.layers);
    expect(surface.origin.train).toBeCloseTo(ref.train, 5);
    const center = 4 * 9 + 4;
    expect(surface.plane.axis[4]).toBe(0);
    expect(surface.plane.val![center]).toBe(surface.origin.val);
    const at1 = surface.line.alpha.indexOf(1);
    const at0 = surface.line.alpha.indexOf(0);
    expect(surface.line.val![at1]).toBe(surface.origin.val);
    expect(surface.line.train[at1]).toBe(surface.origin.train);
    const start = await referenceLosses(initial.layers);
    expect(surface.line.train[at0]!).toBeCloseTo(start.train, 5);
    expect(surface.line.val![at0]!).toBeCloseTo(start.val, 5);
    // a trained net sits well below its initial loss, and the plane's centre is near its lowest point
    expect(surface.origin.val!).toBeLessThan(start.val);
    const trajectory = surface.plane.trajectory;
    expect(trajectory.map((p) => p.label)).toEqual(
      run.bestEpoch === run.epochsDone ? ['initial', 'final'] : ['initial', 'best', 'final'],
    );
    expect(trajectory.at(-1)).toMatchObject({ x: 0, y: 0, epoch: run.epochsDone });

    const stored = store.listArtifacts(runId).filter((a) => a.kind === SURFACE_ARTIFACT);
    expect(stored).toHaveLength(1);
    const again = await runLossSurface(store, runId, options);
    expect(again.reused).toBe(true);
    expect(again.artifact.id).toBe(artifact.id);
    expect(again.surface).toEqual(JSON.parse(JSON.stringify(surface)));
  });

  it('the trajectory plane holds the initial and best weights: their projections keep all of their offsets', async () => {
    const options = SurfaceOptionsSchema.parse({ grid: 5, plane: 'trajectory' });
    const { surface, reused } = await runLossSurface(store, runId, options);
    expect(reused).toBe(false);
    expect(surface.plane.normalisation).toBe('principal, longest offset');
    const [first, ...rest] = surface.plane.trajectory;
    expect(first).toMatchObject({ label: 'initial', epoch: 0 });
    expect(first!.x).toBeLessThan(0);
    for (const p of [first!, ...rest]) expect(p.captured).toBeCloseTo(1, 6);
    // the longest offset (the initial weights') is one unit along the plane's directions
    expect(Math.hypot(first!.x, first!.y)).toBeCloseTo(1, 6);
    const random = store.listArtifacts(runId).filter((a) => a.kind === SURFACE_ARTIFACT);
    expect(new Set(random.map((a) => a.path)).size).toBe(random.length);
  });

  it('cancel stops the worker and stores nothing', async () => {
    const before = store.listArtifacts(runId).length;
    const options = SurfaceOptionsSchema.parse({ grid: 101, seed: 3 });
    await expect(runLossSurface(store, runId, options, { cancelled: Promise.resolve() })).rejects.toBeInstanceOf(
      SurfaceCancelledError,
    );
    expect(store.listArtifacts(runId)).toHaveLength(before);
  });
});

describe('filter-normalised directions', () => {
  const layers: LayerWeights[] = [
    {
      inputs: 3,
      units: 4,
      activation: 'relu',
      W: Float32Array.from({ length: 12 }, (_, i) => i - 5),
      b: new Float32Array(4),
    },
    {
      inputs: 4,
      units: 2,
      activation: 'identity',
      W: Float32Array.from([1, -2, 3, 0.5, 0, 0, 2, 2]),
      b: new Float32Array(2).fill(1),
    },
  ];

  it("each unit's incoming direction has that unit's weight norm; biases are zero", () => {
    const d = randomDirection(layers, new Rng(5));
    filterNormalize(d, layers);
    layers.forEach((l, li) => {
      for (let j = 0; j < l.units; j++) {
        let wn = 0;
        let dn = 0;
        for (let i = 0; i < l.inputs; i++) {
          wn += l.W[i * l.units + j]! ** 2;
          dn += d.W[li]![i * l.units + j]! ** 2;
        }
        expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(wn), 10);
      }
      expect([...d.b[li]!]).toEqual(new Array(l.units).fill(0));
    });
  });

  it('projects a point of the plane back onto its coordinates, all of it captured', () => {
    const d = randomDirection(layers, new Rng(1));
    const e = randomDirection(layers, new Rng(2));
    const p = { W: d.W.map((w, li) => w.map((v, i) => 0.3 * v - 1.5 * e.W[li]![i]!)), b: d.b.map((b) => b.slice()) };
    const q = project(p, d, e);
    expect(q.x).toBeCloseTo(0.3, 10);
    expect(q.y).toBeCloseTo(-1.5, 10);
    expect(q.captured).toBeCloseTo(1, 10);
  });
});
