// The runs table's columns: what each shows and the store field it sorts on (RunFilter.sort).
import type { RunRecord, RunSortField } from '../../db/types.ts';
import { fmtDate, fmtDuration, fmtNum, fmtPct } from '../format.ts';

export interface RunColumn {
  key: string;
  label: string;
  sort?: RunSortField;
  numeric?: boolean;
  /** Shown while a run's detail is open beside the table (a narrower table, no columns behind a scroll). */
  brief?: boolean;
  value(run: RunRecord): string;
}

export const RUN_COLUMNS: RunColumn[] = [
  { key: 'status', label: 'Status', sort: 'status', brief: true, value: (r) => r.status },
  { key: 'id', label: 'Run', sort: 'id', brief: true, value: (r) => r.id },
  { key: 'name', label: 'Name', sort: 'name', brief: true, value: (r) => r.name ?? '' },
  { key: 'dataset', label: 'Dataset', sort: 'dataset', brief: true, value: (r) => r.dataset },
  { key: 'layers', label: 'Layers', sort: 'layers', value: (r) => r.layers || 'linear' },
  { key: 'optimizer', label: 'Optimizer', sort: 'optimizer', value: (r) => r.optimizer },
  { key: 'lr', label: 'LR', sort: 'lr', numeric: true, value: (r) => fmtNum(r.lr) },
  { key: 'batch', label: 'Batch', sort: 'batch', numeric: true, value: (r) => String(r.batchSize) },
  { key: 'epochs', label: 'Epochs', sort: 'epochs', numeric: true, value: (r) => `${r.epochsDone}/${r.epochs}` },
  {
    key: 'best',
    label: 'Best val loss',
    sort: 'val_loss',
    numeric: true,
    brief: true,
    value: (r) => fmtNum(r.bestValLoss),
  },
  { key: 'acc', label: 'Final val acc', sort: 'val_acc', numeric: true, value: (r) => fmtPct(r.finalValAcc) },
  { key: 'duration', label: 'Duration', sort: 'duration', numeric: true, value: (r) => fmtDuration(r.durationMs) },
  { key: 'tags', label: 'Tags', value: (r) => r.tags.join(', ') },
  { key: 'created', label: 'Created', sort: 'created', numeric: true, value: (r) => fmtDate(r.createdAt) },
];
