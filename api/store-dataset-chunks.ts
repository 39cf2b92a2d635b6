// An imported snapshot's rows in pieces (loadImportedDatasetChunk), so the window can train a set of any size: the
// renderer asks for rows [offset, offset + rows) by the snapshot's hash and forwards each piece to its engine worker.
// The store keeps a snapshot's features in deflated chunks of its own; the one snapshot being streamed is held here,
// inflated once, until its last row is served (or another is asked for), so a series of calls reads the file once.
import type { RunStore } from '../db/run-store.ts';
import type { Dataset } from '../engine/types.ts';
import { toWireBytes } from './dataset-wire.ts';
import type { ApiHandlers } from './workbench-api.ts';

/** The most feature values one chunk carries (16 MB as float32, 21 MB as base64); `rows` is cut to fit. */
export const MAX_CHUNK_VALUES = 4_000_000;

export function createDatasetChunkHandlers(store: RunStore): Pick<ApiHandlers, 'loadImportedDatasetChunk'> {
  let held: { hash: string; dataset: Dataset } | null = null;
  return {
    loadImportedDatasetChunk: ({ hash, offset, rows }) => {
      if (held?.hash !== hash) held = { hash, dataset: store.datasets.load({ hash }) };
      const d = held.dataset;
      const start = Math.min(offset, d.n);
      const k = Math.max(0, Math.min(rows, Math.floor(MAX_CHUNK_VALUES / d.features), d.n - start));
      const end = start + k;
      if (end >= d.n) held = null;
      const outputs = d.targets ? d.targets.length / d.n : 0;
      return {
        hash,
        offset: start,
        rows: k,
        x: toWireBytes(d.x.subarray(start * d.features, end * d.features)),
        ...(d.labels ? { labels: toWireBytes(d.labels.subarray(start, end)) } : {}),
        ...(d.targets ? { targets: toWireBytes(d.targets.subarray(start * outputs, end * outputs)) } : {}),
      };
    },
  };
}
