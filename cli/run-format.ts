// How runs read in the terminal: the shared cells of `runs`, `show` and `compare`.
import type { EpochMetrics } from '../engine/types.ts';
import type { RunRecord } from '../db/index.ts';
import { fmt, fmtDuration, fmtInt, table } from './format.ts';

/** Local time as YYYY-MM-DD HH:MM (sortable, unambiguous across locales). */
export function fmtTime(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function backendText(run: RunRecord): string {
  const b = run.backendInfo;
  if (!b) return run.backend;
  return b.backend === 'cpu' ? `cpu (${b.kernels})` : `webgpu (${b.adapter?.description || b.kernels})`;
}

export const RUNS_HEADER = [
  'id',
  'status',
  'dataset',
  'layers',
  'activation',
  'optimizer',
  'lr',
  'batch',
  'epochs',
  'best val_loss',
  '@',
  'val_acc',
  'time',
  'created',
  'tags',
];

export function runsRow(r: RunRecord): string[] {
  return [
    r.id,
    r.status,
    r.dataset,
    r.layers || '·',
    r.activation,
    r.optimizer,
    String(r.lr),
    String(r.batchSize),
    r.epochsDone === r.epochs ? String(r.epochs) : `${r.epochsDone}/${r.epochs}`,
    fmt(r.bestValLoss),
    r.bestEpoch === null ? '-' : String(r.bestEpoch),
    fmt(r.finalValAcc, 3),
    r.durationMs === null ? '-' : fmtDuration(r.durationMs),
    fmtTime(r.createdAt),
    r.tags.join(','),
  ];
}

export function epochsTable(epochs: EpochMetrics[]): string {
  return table(
    ['epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'time', 'samples/s'],
    epochs.map((e) => [
      String(e.epoch),
      fmt(e.trainLoss),
      fmt(e.trainAcc, 3),
      fmt(e.valLoss),
      fmt(e.valAcc, 3),
      fmt(e.lr),
      fmtDuration(e.durationMs),
      fmtInt(e.samplesPerSec),
    ]),
  );
}
