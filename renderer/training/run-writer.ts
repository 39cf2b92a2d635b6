// Records a run in the store as the engine reports it, in message order. Epochs that arrive while a write is in
// flight go together in the next recordEpochs call, so a fast run costs a handful of requests a second, not one
// per epoch. settle() waits for everything and reports the first failure.
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { toWireSnapshot } from '../../api/snapshot-wire.ts';
import type { BackendInfo, DataInfo, EpochMetrics, ModelSnapshot, RunSummary } from '../../engine/types.ts';

export function createRunWriter(api: WorkbenchApi, id: string) {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let pending: EpochMetrics[] = [];
  let draining = false;

  const enqueue = (write: () => Promise<unknown>) => {
    chain = chain.then(write).then(
      () => undefined,
      (e: unknown) => void (failure ??= e),
    );
  };

  return {
    started: (backend: BackendInfo, data: DataInfo) => enqueue(() => api.recordStarted({ id, backend, data })),
    epoch(metrics: EpochMetrics): void {
      pending.push(metrics);
      if (draining) return;
      draining = true;
      enqueue(async () => {
        while (pending.length > 0) {
          const batch = pending;
          pending = [];
          await api.recordEpochs({ id, metrics: batch });
        }
        draining = false;
      });
    },
    checkpoint: (kind: 'best' | 'final', epoch: number, snapshot: ModelSnapshot) =>
      enqueue(() => api.saveCheckpoint({ id, kind, epoch, snapshot: toWireSnapshot(snapshot) })),
    finish: (summary: RunSummary) => enqueue(() => api.finishRun({ id, summary })),
    async settle(): Promise<void> {
      await chain;
      if (failure) throw failure;
    },
  };
}
