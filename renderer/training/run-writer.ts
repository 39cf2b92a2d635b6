// The renderer's RunRecorder: keeps a run in the store over the WorkbenchApi as the engine reports it, in message
// order. Epochs that arrive while a write is in flight go together in the next recordEpochs call, so a fast run
// costs a handful of requests a second, not one per epoch. Checkpoints cross as JSON numbers, so they are coalesced:
// a new best checkpoint is sent while the run trains (the store takes the run's best epoch from it), but only the
// newest one once the previous write is done, after the epochs it follows; the final one is sent when the run
// finishes. settle() waits for everything and reports the first failure.
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
  let bestSent = 0;
  let bestQueued = false;

  const enqueue = (write: () => Promise<unknown>) => {
    chain = chain.then(write).then(
      () => undefined,
      (e: unknown) => void (failure ??= e),
    );
  };

  const drainEpochs = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await api.recordEpochs({ id, metrics: batch });
    }
  };
  /** Sends the newest best checkpoint not yet sent, after every epoch reported before it. */
  const sendBest = async () => {
    bestQueued = false;
    const best = checkpoints.best;
    if (!best || best.epoch === bestSent) return;
    await drainEpochs();
    bestSent = best.epoch;
    await api.saveCheckpoint({ id, kind: 'best', epoch: best.epoch, snapshot: toWireSnapshot(best.snapshot) });
  };
  const queueBest = () => {
    if (bestQueued) return;
    bestQueued = true;
    enqueue(sendBest);
  };

  return {
    onStarted: (backend, data) => enqueue(() => api.recordStarted({ id, backend, data })),
    onEpoch(metrics) {
      pending.push(metrics);
      if (draining) return;
      draining = true;
      enqueue(async () => {
        await drainEpochs();
        draining = false;
      });
    },
    onCheckpoint(kind, epoch, snapshot) {
      checkpoints[kind] = { epoch, snapshot };
      if (kind === 'best') queueBest();
    },
    onFinished(summary) {
      enqueue(sendBest);
      const final = checkpoints.final;
      if (final)
        enqueue(() =>
          api.saveCheckpoint({ id, kind: 'final', epoch: final.epoch, snapshot: toWireSnapshot(final.snapshot) }),
        );
      enqueue(() => api.finishRun({ id, summary }));
    },
    /** Once per run, after the writes already queued (a failed finishRun among them). */
    onFailed(error) {
      if (failed) return;
      failed = true;
      enqueue(sendBest); // the best epoch so far stays on the failed run
      enqueue(() => api.failRun({ id, message: (error as Error)?.message ?? String(error) }));
    },
    async settle(): Promise<void> {
      await chain;
      if (failure) throw failure;
    },
  };
}
