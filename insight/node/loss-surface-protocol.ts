// Messages between the store host and the loss-surface worker: plain data only (structured-clone safe).
import type { ExperimentConfig } from '../../engine/config.ts';
import type { ModelSpec } from '../../engine/backends/backend.ts';
import type { PreparedData } from '../../engine/data/prepare.ts';
import type { WireError } from '../../engine/wire-error.ts';
import type { LossSurface, LossSurfaceOptions } from '../loss-surface-types.ts';
import type { SurfaceInputs } from '../loss-surface.ts';

export type HostToSurfaceWorker =
  | {
      type: 'start';
      /** the run's config: the worker evaluates on the CPU backend it would pick (wasm-simd where it loads) */
      config: ExperimentConfig;
      spec: ModelSpec;
      /** the run's splits, standardised as training standardised them */
      data: PreparedData;
      inputs: Omit<SurfaceInputs, 'kernels'>;
      options: LossSurfaceOptions;
    }
  | { type: 'cancel' };

export type SurfaceWorkerToHost =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; surface: LossSurface }
  | { type: 'failed'; error: WireError };
