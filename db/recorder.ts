// Keeps a training run in the store as the engine client reports it (the CLI's train, rerun and sweep). RunRecorder
// is the engine client's contract; the renderer's writer over the WorkbenchApi implements it too.
import type { RunRecorder } from '../engine/worker/client.ts';
import { HEARTBEAT_EVERY_MS } from './liveness.ts';
import type { RunStore } from './run-store.ts';

export type { RunRecorder };

export function recordRun(store: RunStore, runId: string): RunRecorder {
  return {
    onStarted: (backend, data) => store.recordStarted(runId, backend, data),
    onEpoch: (m) => store.recordEpoch(runId, m),
    onCheckpoint: (kind, epoch, snapshot) => store.saveCheckpoint(runId, kind, epoch, snapshot),
    onFinished: (summary) => store.finishRun(runId, summary),
    onFailed: (error) => store.failRun(runId, (error as Error)?.message ?? String(error)),
  };
}

/**
 * Beats for this process's runs every few seconds, so other processes opening the store see a live owner even
 * during a long epoch. The timer does not keep the process alive; call the returned function to stop it.
 */
export function keepAlive(store: RunStore, everyMs = HEARTBEAT_EVERY_MS): () => void {
  const timer = setInterval(() => {
    try {
      if (store.db.open) store.heartbeat();
    } catch {
      // A beat lost to a long lock elsewhere is harmless: the next one comes in a few seconds.
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
