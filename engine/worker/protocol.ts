// Messages between a host and the engine worker: discriminated unions, plain data only (structured-clone safe).
import type { ExperimentConfigInput } from '../config.ts';
import type { BackendInfo, DataInfo, Dataset, EpochMetrics, ModelSnapshot, RunSummary } from '../types.ts';

export type HostToWorker =
  | {
      type: 'start';
      /** the config as the user wrote it; the worker validates it again. */
      config: ExperimentConfigInput;
      /** an imported dataset; built-in datasets are generated inside the worker from the config. */
      dataset?: Dataset;
      /** send every checkpoint's weights back (the store keeps best and final). */
      checkpoints?: boolean;
    }
  | { type: 'cancel' };

export interface WireError {
  code: string;
  message: string;
  field?: string;
}

export type WorkerToHost =
  | { type: 'started'; backend: BackendInfo; data: DataInfo }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'progress'; epoch: number; batch: number; batches: number; samplesPerSec: number }
  | { type: 'checkpoint'; kind: 'best' | 'final'; epoch: number; snapshot: ModelSnapshot }
  | { type: 'done'; summary: RunSummary; backend: BackendInfo; data: DataInfo }
  | { type: 'failed'; error: WireError };

/** The two ends a host adapter provides: how to send to the other side and how to receive. */
export interface MessagePortLike<In, Out> {
  post(message: Out, transfer?: ArrayBufferLike[]): void;
  onMessage(handler: (message: In) => void): void;
}
