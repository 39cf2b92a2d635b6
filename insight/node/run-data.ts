// The rows a run trained and validated on, rebuilt on the store host from what the run recorded: its imported
// snapshot (by content hash) or its built-in generator, split with the run's own seed, in raw feature units.
import { DatasetStore } from '../../db/datasets.ts';
import type { RunRecord, RunStore } from '../../db/index.ts';
import { StoreError } from '../../db/errors.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import { prepareData, type PreparedData } from '../../engine/data/prepare.ts';
import '../../engine/host/node/mnist.ts';
import type { Dataset, ModelSnapshot } from '../../engine/types.ts';

export function runDataset(store: RunStore, run: RunRecord): Dataset {
  const datasets = new DatasetStore(store.db, store.path);
  const hash = datasets.runDatasetHash(run.id);
  return hash === null ? loadBuiltinDataset(run.config.dataset) : datasets.load({ hash });
}

/** The run's train and validation splits, not standardised (the snapshot standardises as training did). */
export function runSplits(store: RunStore, run: RunRecord): PreparedData {
  return prepareData(runDataset(store, run), run.config.validationSplit, false, run.config.dataset.seed);
}

/** The run's checkpoint of `kind`, or a StoreError naming what is missing. */
export function runCheckpoint(store: RunStore, run: RunRecord, kind: 'best' | 'final'): { epoch: number; snapshot: ModelSnapshot } {
  const found = store.getCheckpoint(run.id, kind);
  if (!found)
    throw new StoreError(
      'invalid_argument',
      `run ${run.id} has no ${kind} checkpoint (status ${run.status}, ${run.epochsDone} epochs)${kind === 'best' ? '; it had no validation split, use the final one' : ''}`,
    );
  return found;
}
