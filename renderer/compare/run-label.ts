// How a run is named in legends, tooltips and table headers: its name with its id, or the id alone.
import type { RunRecord } from '../../db/types.ts';

export function runLabel(r: Pick<RunRecord, 'id' | 'name'>): string {
  return r.name ? `${r.name} · ${r.id}` : r.id;
}
