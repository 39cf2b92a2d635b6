// Writes an agent's events into the local store with the same recorder a local run uses, exactly once: the stream is
// read again from its start after a coordinator restart, so every event is checked against what the store holds
// (the current attempt, the last epoch, whether the run finished) and a replayed or superseded one is skipped.
import { recordRun, type RunStore } from '../db/index.ts';
import { decodeSnapshot } from '../db/snapshot-codec.ts';
import type { RunSummary } from '../engine/types.ts';
import type { StreamEntry } from './messages.ts';
import { QueueRuns } from '../db/queue-runs.ts';

export type Applied =
  | { kind: 'skipped' }
  | { kind: 'started'; agent: string; retry: number }
  | { kind: 'epoch' }
  | { kind: 'finished'; summary: RunSummary }
  | { kind: 'failed'; error: string };

interface RunState {
  attempt: string | null;
  /** every attempt the store has seen start: a superseded one's late events never reset the run again */
  known: Set<string>;
  lastEpoch: number;
  done: boolean;
}

export class EventApplier {
  private readonly runs = new Map<string, RunState>();
  readonly queueRuns: QueueRuns;
  constructor(private readonly store: RunStore) {
    this.queueRuns = new QueueRuns(store);
  }

  /** What the store holds of a run, read once: a restarted coordinator starts from the file, not from memory. */
  private stateOf(runId: string): RunState | null {
    let s = this.runs.get(runId);
    if (!s) {
      const row = this.queueRuns.state(runId);
      if (!row) return null;
      const attempts = this.queueRuns.attempts(runId);
      s = {
        attempt: attempts.at(-1)?.attempt ?? null,
        known: new Set(attempts.map((a) => a.attempt)),
        lastEpoch: row.epochsDone,
        done: row.status !== 'queued' && row.status !== 'running',
      };
      this.runs.set(runId, s);
    }
    return s;
  }

  /** What the store says now, not what this applier last read: another process (the app's Cancel) may have ended it. */
  isDoneInStore(runId: string): boolean {
    this.runs.delete(runId);
    return this.isDone(runId);
  }

  isDone(runId: string): boolean {
    return this.stateOf(runId)?.done ?? true;
  }

  /** Marks a run failed for a reason the queue gives (a job that stalled too often); false if it had finished. */
  failFromQueue(runId: string, error: string): boolean {
    const s = this.stateOf(runId);
    if (!s || s.done) return false;
    this.store.failRun(runId, error);
    s.done = true;
    return true;
  }

  apply(entry: StreamEntry): Applied {
    const s = this.stateOf(entry.runId);
    if (!s || s.done) return { kind: 'skipped' };
    const { event, attempt } = entry;
    const recorder = recordRun(this.store, entry.runId);
    if (event.type === 'started') {
      if (s.known.has(attempt)) return { kind: 'skipped' };
      const record = this.queueRuns.startAttempt(entry.runId, attempt, event.agent);
      recorder.onStarted(event.backend, event.data);
      s.attempt = attempt;
      s.known.add(attempt);
      s.lastEpoch = 0;
      return { kind: 'started', agent: event.agent, retry: record.retry };
    }
    // A config the agent rejects fails before any start; everything else belongs to the attempt the store holds.
    if (event.type === 'failed' && (s.attempt === null || attempt === s.attempt)) {
      recorder.onFailed(new Error(`agent ${event.agent}: ${event.error}`));
      s.done = true;
      return { kind: 'failed', error: event.error };
    }
    if (attempt !== s.attempt) return { kind: 'skipped' };
    switch (event.type) {
      case 'epoch':
        if (event.metrics.epoch <= s.lastEpoch) return { kind: 'skipped' };
        recorder.onEpoch(event.metrics);
        s.lastEpoch = event.metrics.epoch;
        return { kind: 'epoch' };
      case 'checkpoint': {
        // Re-applied on a replay: the stream's later checkpoints follow in order, so the newest of each kind wins.
        const weights = Buffer.from(event.weights, 'base64');
        recorder.onCheckpoint(event.kind, event.epoch, decodeSnapshot(event.model, weights));
        return { kind: 'skipped' };
      }
      case 'finished':
        recorder.onFinished(event.summary);
        s.done = true;
        return { kind: 'finished', summary: event.summary };
      default:
        return { kind: 'skipped' };
    }
  }
}
