// The compared runs' whole curves as one CSV, in the layout of `mlpw export-csv`: a row per run and epoch, every
// config key as a column, so a file from the app and one from the CLI load the same way in pandas.
import { configTable, type FlatValue } from '../engine/experiment/index.ts';
import type { ExperimentConfig } from '../engine/config.ts';
import type { EpochMetrics } from '../engine/types.ts';

export const EPOCH_COLUMNS = ['epoch', 'train_loss', 'val_loss', 'train_acc', 'val_acc', 'lr', 'duration_ms', 'samples_per_sec'] as const;

export function csvCell(v: FlatValue | undefined): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function epochsCsv(runs: readonly { id: string; status: string; sweepId: string | null; config: ExperimentConfig }[], curves: readonly (readonly EpochMetrics[])[]): string {
  const keys = configTable(runs.map((r) => r.config));
  const lines = [['run_id', 'status', 'sweep_id', ...keys.map((k) => k.key), ...EPOCH_COLUMNS].map(csvCell).join(',')];
  runs.forEach((run, i) => {
    const hyper = [run.id, run.status, run.sweepId, ...keys.map((k) => k.values[i])].map(csvCell);
    for (const e of curves[i] ?? []) {
      const metrics = [e.epoch, e.trainLoss, e.valLoss, e.trainAcc, e.valAcc, e.lr, e.durationMs, e.samplesPerSec].map(csvCell);
      lines.push([...hyper, ...metrics].join(','));
    }
  });
  return lines.join('\n') + '\n';
}
