// Runs' whole curves as one CSV, written by `mlpw export-csv` and the Compare view's Export CSV alike: a row per run
// and epoch, every config key as a column, so a file from the app and one from the CLI load the same way in pandas.
import { csvCell } from '../engine/csv-cell.ts';
import { configTable } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { EpochMetrics } from '../engine/types.ts';

export const EPOCH_COLUMNS = [
  'epoch',
  'train_loss',
  'val_loss',
  'train_acc',
  'val_acc',
  'lr',
  'duration_ms',
  'samples_per_sec',
] as const;

export function epochsCsv(
  runs: readonly { id: string; status: string; sweepId: string | null; config: ExperimentConfig }[],
  curves: readonly (readonly EpochMetrics[])[],
): string {
  const keys = configTable(runs.map((r) => r.config));
  const lines = [['run_id', 'status', 'sweep_id', ...keys.map((k) => k.key), ...EPOCH_COLUMNS].map(csvCell).join(',')];
  runs.forEach((run, i) => {
    const hyper = [run.id, run.status, run.sweepId, ...keys.map((k) => k.values[i])].map(csvCell);
    for (const e of curves[i] ?? []) {
      const metrics = [e.epoch, e.trainLoss, e.valLoss, e.trainAcc, e.valAcc, e.lr, e.durationMs, e.samplesPerSec].map(
        csvCell,
      );
      lines.push([...hyper, ...metrics].join(','));
    }
  });
  return lines.join('\n') + '\n';
}
