// What a run trained on, in a few words: a generator with its sample count, or an imported snapshot with its rows
// (an imported dataset has no generator settings to show).
import type { RunRecord } from '../../db/types.ts';
import { fmtInt } from '../format.ts';

export function datasetLabel(run: Pick<RunRecord, 'dataset' | 'config' | 'dataInfo'>): string {
  const d = run.config.dataset;
  if (d.source !== 'imported') return `${run.dataset} (${fmtInt(d.samples)} samples)`;
  // Runs recorded before imported configs carried their row count: the split the run reported has them.
  const rows = d.rows ?? (run.dataInfo ? run.dataInfo.trainSamples + run.dataInfo.valSamples : null);
  return `${run.dataset} (imported, ${fmtInt(rows)} rows)`;
}
