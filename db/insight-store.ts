// The store's side of the insight views: per-epoch layer statistics (weight histograms, gradient norms). Kept out
// of RunStore's own file; RunStore.recordEpoch calls saveLayerStats inside its epoch transaction.
import type { LayerEpochStats } from '../engine/types.ts';
import type { Db } from './open.ts';
import type { RunStore } from './run-store.ts';

export interface EpochLayerStats {
  epoch: number;
  layers: LayerEpochStats[];
}

function statements(db: Db) {
  return {
    save: db.prepare('INSERT OR REPLACE INTO layer_stats (run_id, epoch, layers) VALUES (@id, @epoch, @layers)'),
    byRun: db.prepare('SELECT epoch, layers FROM layer_stats WHERE run_id = @id ORDER BY epoch'),
  };
}

// Prepared once per open database, like the store's own statements.
const prepared = new WeakMap<Db, ReturnType<typeof statements>>();

function statementsFor(db: Db): ReturnType<typeof statements> {
  let st = prepared.get(db);
  if (!st) prepared.set(db, (st = statements(db)));
  return st;
}

/** One epoch's stats; call inside the transaction that records the epoch. */
export function saveLayerStats(db: Db, runId: string, epoch: number, layers: readonly LayerEpochStats[]): void {
  statementsFor(db).save.run({ id: runId, epoch, layers: JSON.stringify(layers) });
}

/** Every recorded epoch's layer stats of a run (id or unique prefix), oldest first; [] for runs recorded without them. */
export function getLayerStats(store: RunStore, ref: string): EpochLayerStats[] {
  const id = store.resolveRunId(ref);
  const rows = statementsFor(store.db).byRun.all({ id }) as { epoch: number; layers: string }[];
  return rows.map((r) => ({ epoch: r.epoch, layers: JSON.parse(r.layers) as LayerEpochStats[] }));
}

/** The newest sweeps first, with the keys their grid varies. */
export function listSweeps(store: RunStore, limit = 100): { id: string; createdAt: number; keys: string[]; size: number }[] {
  const rows = store.db.prepare('SELECT id, created_at, grid, size FROM sweeps ORDER BY created_at DESC, id LIMIT ?').all(limit) as {
    id: string;
    created_at: number;
    grid: string;
    size: number;
  }[];
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, keys: (JSON.parse(r.grid) as { key: string }[]).map((a) => a.key), size: r.size }));
}
