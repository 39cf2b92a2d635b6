// The store's public surface: what the CLI, the Electron main process and the HTTP server import.
export {
  RunStore,
  DEFAULT_EXPERIMENT_ID,
  experimentName,
  type StoreOptions,
  type CreateRunOptions,
} from './run-store.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { recordRun, keepAlive, type RunRecorder } from './recorder.ts';
export { SCHEMA_VERSION } from './migrations/index.ts';
export type * from './types.ts';
export { RUN_SORT_FIELDS } from './types.ts';
export { mergeStore, type MergeReport, type MergeConflict } from './merge.ts';
