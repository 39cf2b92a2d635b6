// The renderer's RunRecorder: keeps a run in the store over the WorkbenchApi as the engine reports it, in message
// order. Epochs that arrive while a write is in flight go together in the next recordEpochs call, so a fast run
// costs a handful of requests a second, not one per epoch. Checkpoints cross as JSON numbers, so only the last
// best and final ones are sent, when the run finishes. settle() waits for everything and reports the first failure.
import type { WorkbenchApi } from '../../api/workbench-api.ts';
import { toWireSnapshot } from '../../api/snapshot-wire.ts';
import type { CheckpointKind, EpochMetrics, ModelSnapshot } from '../../engine/types.ts';
import type { RunRecorder } from '../../engine/worker/client.ts';

export type RunWriter = RunRecorder & { settle(): Promise<void> };

export function createRunWriter(api: WorkbenchApi, id: string): RunWriter {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let pending: EpochMetrics[] = [];
  let draining = false;
  let failed = false;
  const checkpoints: Partial<Record<CheckpointKind, { epoch: number; snapshot: ModelSnapshot }>> = {};

  const enqueue = (write: () => Promise<unknown>) => {
    chain = chain.then(write).then(
      () => undefined,
      (e: unknown) => void (failure ??= e),
    );
  };

  return {
    onStarted: (backend, data) => enqueue(() => api.recordStarted({ id, backend, data })),
    onEpoch(metrics) {
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
    onCheckpoint(kind, epoch, snapshot) {
      checkpoints[kind] = { epoch, snapshot };
    },
    onFinished(summary) {
      for (const kind of ['best', 'final'] as const) {
        const c = checkpoints[kind];
        if (c) enqueue(() => api.saveCheckpoint({ id, kind, epoch: c.epoch, snapshot: toWireSnapshot(c.snapshot) }));
      }
      enqueue(() => api.finishRun({ id, summary }));
    },
    /** Once per run, after the writes already queued (a failed finishRun among them). */
    onFailed(error) {
      if (failed) return;
      failed = true;
      enqueue(() => api.failRun({ id, message: (error as Error)?.message ?? String(error) }));
    },
    async settle(): Promise<void> {
      await chain;
      if (failure) throw failure;
    },
  };
}
