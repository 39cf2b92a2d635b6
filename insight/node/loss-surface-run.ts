// A stored run's loss surface on the store host: gathers its weights (the initial ones recomputed from the config's
// seed, the best and final checkpoints) and its splits, evaluates in a worker thread, and keeps the result as an
// artifact of kind 'loss-surface' keyed by its options, so a second request with the same options reads it back.
import { Worker } from 'node:worker_threads';
import type { RunStore } from '../../db/index.ts';
import { StoreError } from '../../db/errors.ts';
import type { Artifact, RunRecord } from '../../db/types.ts';
import type { ModelSpec } from '../../engine/backends/backend.ts';
import { splitSeed } from '../../engine/config.ts';
import { prepareData, splitOptions } from '../../engine/data/prepare.ts';
import { initWeights } from '../../engine/model/init.ts';
import type { LayerWeights } from '../../engine/types.ts';
import { fromWireError } from '../../engine/wire-error.ts';
import { surfaceKey, SurfaceCancelledError, type LossSurface, type LossSurfaceOptions } from '../loss-surface.ts';
import type { HostToSurfaceWorker, SurfaceWorkerToHost } from './loss-surface-protocol.ts';

export const SURFACE_ARTIFACT = 'loss-surface';
const WORKER_URL = new URL('./loss-surface-worker.mjs', import.meta.url);

/** A failure the worker reported, rebuilt with its code (StoreError-like: code, message, field). */
export class SurfaceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SurfaceError';
  }
}

export interface SurfaceRunHooks {
  onProgress?(done: number, total: number): void;
  /** resolves when the caller wants the computation stopped (the promise then rejects with SurfaceCancelledError) */
  cancelled?: Promise<void>;
  /** compute again even where a stored surface has these options */
  force?: boolean;
}

export interface SurfaceResult {
  surface: LossSurface;
  artifact: Artifact;
  /** true when the surface was read back from the store, not computed */
  reused: boolean;
}

/** The stored surface of a run with exactly these options, newest first; null when none was kept. */
export function storedSurface(store: RunStore, ref: string, options?: LossSurfaceOptions): SurfaceResult | null {
  const key = options && surfaceKey(options);
  const found = store
    .listArtifacts(ref)
    .filter((a) => a.kind === SURFACE_ARTIFACT && (key === undefined || a.path === key))
    .at(-1);
  return found ? { surface: found.details as LossSurface, artifact: found, reused: true } : null;
}

/** The weights the trainer started from: initWeights is seeded by the config alone (test/insight checks it). */
export function initialWeights(run: RunRecord): LayerWeights[] {
  const info = run.dataInfo;
  if (!info) throw new StoreError('no_checkpoint', `run ${run.id} never started (status ${run.status}): no weights`);
  return initWeights(run.config, info.features, info.outputs, info.head);
}

export async function runLossSurface(
  store: RunStore,
  ref: string,
  options: LossSurfaceOptions,
  hooks: SurfaceRunHooks = {},
): Promise<SurfaceResult> {
  const run = store.getRun(ref);
  if (!hooks.force) {
    const kept = storedSurface(store, run.id, options);
    if (kept) return kept;
  }
  const final = store.requireCheckpoint(run, 'final');
  const initial = initialWeights(run);
  const best = store.getCheckpoint(run.id, 'best');
  const waypoints =
    best && best.epoch !== final.epoch && best.epoch > 0
      ? [{ epoch: best.epoch, label: 'best' as const, layers: best.snapshot.layers }]
      : [];
  const { config } = run;
  // The trainer's own split and standardisation of the run's rows (stratified, test rows held out, as configured).
  const data = prepareData(
    store.datasets.forRun(run),
    config.validationSplit,
    config.standardize,
    splitSeed(config.dataset),
    splitOptions(config),
  );
  const snapshot = final.snapshot;
  const spec: ModelSpec = {
    features: data.features,
    outputs: data.outputs,
    head: snapshot.head,
    loss: snapshot.loss,
    layers: snapshot.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation, dropout: 0 })),
    optimizer: config.optimizer,
    seed: config.seed,
  };
  const surface = await inWorker(
    {
      type: 'start',
      config,
      spec,
      data,
      inputs: {
        runId: run.id,
        initial,
        final: { epoch: final.epoch, layers: snapshot.layers },
        waypoints,
        trajectorySource: 'checkpoints',
        rows: { train: data.train.n, val: data.val.n },
      },
      options,
    },
    hooks,
  );
  const artifact = store.addArtifact(run.id, { kind: SURFACE_ARTIFACT, path: surfaceKey(options), details: surface });
  return { surface, artifact, reused: false };
}

function inWorker(start: HostToSurfaceWorker, hooks: SurfaceRunHooks): Promise<LossSurface> {
  const worker = new Worker(WORKER_URL);
  return new Promise<LossSurface>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      fn();
    };
    worker.on('message', (m: SurfaceWorkerToHost) => {
      if (m.type === 'progress') hooks.onProgress?.(m.done, m.total);
      else if (m.type === 'done') settle(() => resolve(m.surface));
      else
        settle(() =>
          reject(
            m.error.code === 'cancelled'
              ? new SurfaceCancelledError()
              : fromWireError(m.error, SurfaceError, 'the loss-surface worker'),
          ),
        );
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() => reject(new SurfaceError('worker_exit', `loss-surface worker exited with code ${code}`))),
    );
    void hooks.cancelled?.then(() => {
      if (!settled) worker.postMessage({ type: 'cancel' } satisfies HostToSurfaceWorker);
    });
    worker.postMessage(start);
  });
}
