// Messages between a host and the engine worker: discriminated unions, plain data only (structured-clone safe).
import type { ExperimentConfigInput } from '../config.ts';
import type {
  BackendInfo,
  CheckpointKind,
  DataInfo,
  Dataset,
  EpochMetrics,
  ModelSnapshot,
  Progress,
  RunSummary,
} from '../types.ts';
import type { StepPosition } from '../trainer.ts';
import type { WireError } from '../wire-error.ts';
import type { StepUnit } from './run-gate.ts';

export type HostToWorker =
  | {
      type: 'start';
      /** the config as the user wrote it; the worker validates it again. */
      config: ExperimentConfigInput;
      /** an imported dataset whole; without it, the rows a datasetBegin announced, else a built-in generated here. */
      dataset?: Dataset;
      /** send every checkpoint's weights back (the store keeps best and final). */
      checkpoints?: boolean;
      /** start paused before the first epoch (a `paused` message follows `started`) */
      paused?: boolean;
      /** epochs per second (0.1–1000), or null/absent: as fast as possible. Changes when results show, never them. */
      epochsPerSecond?: number | null;
      /** a distilled student (config.distill): the teacher run's best checkpoint, run once for the targets */
      teacher?: ModelSnapshot;
    }
  | { type: 'cancel' }
  /** stop after the batch in progress; the worker answers `paused` with that step's weights */
  | { type: 'pause' }
  | { type: 'play' }
  /** while paused: one more minibatch, or on to the end of the current epoch, then `paused` again */
  | { type: 'step'; unit: StepUnit }
  | { type: 'speed'; epochsPerSecond: number | null }
  /** an imported dataset in pieces (one copy of the rows, never a second): its shape, then its rows in order */
  | { type: 'datasetBegin'; header: DatasetHeader }
  | ({ type: 'datasetChunk' } & DatasetChunk);

/** A dataset without its rows: what the worker allocates before the chunks arrive. */
export type DatasetHeader = Omit<Dataset, 'x' | 'labels' | 'targets'>;

/** Rows [offset, offset + rows) of a streamed dataset; their buffers are transferred, not copied. */
export interface DatasetChunk {
  offset: number;
  /** rows × features, row-major */
  x: Float32Array;
  /** classification: one class index per row */
  labels?: Uint32Array;
  /** regression: rows × outputs */
  targets?: Float32Array;
}

export type WorkerToHost =
  | { type: 'started'; backend: BackendInfo; data: DataInfo }
  | { type: 'epoch'; metrics: EpochMetrics }
  | ({ type: 'progress' } & Progress)
  | { type: 'checkpoint'; kind: CheckpointKind; epoch: number; snapshot: ModelSnapshot }
  /** the run waits at `at`; `snapshot` holds the weights after exactly that step */
  | { type: 'paused'; at: StepPosition; snapshot: ModelSnapshot }
  | { type: 'done'; summary: RunSummary; backend: BackendInfo; data: DataInfo }
  | { type: 'failed'; error: WireError };

/** The two ends a host adapter provides: how to send to the other side and how to receive. */
export interface MessagePortLike<In, Out> {
  post(message: Out, transfer?: ArrayBufferLike[]): void;
  onMessage(handler: (message: In) => void): void;
}
