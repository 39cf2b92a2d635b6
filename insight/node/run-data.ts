// The rows a run trained and validated on, rebuilt on the store host from what the run recorded (its imported
// snapshot or its built-in generator: DatasetStore.forRun), split with the run's own seed, in raw feature units.
import type { RunRecord, RunStore } from '../../db/index.ts';
import { splitSeed } from '../../engine/config.ts';
import { prepareData, splitOptions, type PreparedData } from '../../engine/data/prepare.ts';

/** The run's train, validation (and test) splits, not standardised (the snapshot standardises as training did). */
export function runSplits(store: RunStore, run: RunRecord): PreparedData {
  return prepareData(
    store.datasets.forRun(run),
    run.config.validationSplit,
    false,
    splitSeed(run.config.dataset),
    splitOptions(run.config),
  );
}
