// The store's side of runs trained by agents: who trains them (owner_host holds "agent NAME"), which attempt the
// store holds (one 'queue-attempt' artifact per attempt, no migration), and the reset when a retry starts over.
// Such runs have no owner pid or token, so a restarted coordinator (or any process opening the store) never marks
// them interrupted: the queue, not a local process, says whether they still train.
import type { RunStore } from './run-store.ts';

/** The artifact kind of one attempt at a queued run: details {attempt, agent, retry}. */
export const ATTEMPT_ARTIFACT = 'queue-attempt';

export interface AttemptRecord {
  attempt: string;
  agent: string;
  /** 0 for the first attempt, 1 for the first retry, … */
  retry: number;
}

/** Statements prepared once per store; better-sqlite3 is synchronous, so each method is one short transaction. */
export class QueueRuns {
  private readonly st;
  constructor(private readonly store: RunStore) {
    const p = (sql: string) => store.db.prepare(sql);
    this.st = {
      queue: p(`UPDATE runs SET owner_pid = NULL, owner_token = NULL, owner_host = 'queue', heartbeat_at = @now
        WHERE id = @id AND status = 'queued'`),
      running: p(`UPDATE runs SET status = 'running', started_at = @now, owner_pid = NULL, owner_token = NULL,
        owner_host = @host, heartbeat_at = @now WHERE id = @id AND status IN ('queued', 'running')`),
      beat: p(`UPDATE runs SET heartbeat_at = @now WHERE sweep_id = @sweepId AND status IN ('queued', 'running')
        AND owner_token IS NULL`),
      deleteEpochs: p('DELETE FROM epochs WHERE run_id = @id'),
      deleteLayerStats: p('DELETE FROM layer_stats WHERE run_id = @id'),
      deleteCheckpoints: p('DELETE FROM checkpoints WHERE run_id = @id'),
      clearSummary: p(`UPDATE runs SET epochs_done = 0, final_train_loss = NULL, final_val_loss = NULL,
        final_val_acc = NULL, duration_ms = NULL, best_epoch = NULL, best_val_loss = NULL WHERE id = @id`),
      state: p('SELECT status, epochs_done AS epochsDone FROM runs WHERE id = @id'),
      attempts: p(`SELECT details FROM artifacts WHERE run_id = @id AND kind = '${ATTEMPT_ARTIFACT}' ORDER BY id`),
      addAttempt: p(`INSERT INTO artifacts (run_id, kind, path, details, created_at)
        VALUES (@id, '${ATTEMPT_ARTIFACT}', '', @details, @now)`),
      sweepRuns: p('SELECT id FROM runs WHERE sweep_id = @sweepId ORDER BY created_at, id'),
    };
  }

  /** Queued runs handed to the queue: no local process owns them from now on. */
  handOver(ids: readonly string[]): void {
    const now = Date.now();
    this.store.db.transaction(() => {
      for (const id of ids) this.st.queue.run({ id, now });
    })();
  }

  /** A sweep's unfinished queued runs are still wanted: one write per beat for all of them. */
  beat(sweepId: string): void {
    this.st.beat.run({ sweepId, now: Date.now() });
  }

  state(id: string): { status: string; epochsDone: number } | undefined {
    return this.st.state.get({ id }) as { status: string; epochsDone: number } | undefined;
  }

  attempts(id: string): AttemptRecord[] {
    return (this.st.attempts.all({ id }) as { details: string }[]).map((r) => JSON.parse(r.details) as AttemptRecord);
  }

  sweepRunIds(sweepId: string): string[] {
    return (this.st.sweepRuns.all({ sweepId }) as { id: string }[]).map((r) => r.id);
  }

  /**
   * An attempt starts on an agent. A retry (an earlier attempt had started) drops what the earlier one recorded —
   * epochs, layer stats, checkpoints, the running summary — so the run holds one attempt's epochs, none twice.
   */
  startAttempt(id: string, attempt: string, agent: string): AttemptRecord {
    return this.store.db.transaction(() => {
      const retry = this.attempts(id).length;
      if (retry > 0) {
        this.st.deleteEpochs.run({ id });
        this.st.deleteLayerStats.run({ id });
        this.st.deleteCheckpoints.run({ id });
        this.st.clearSummary.run({ id });
      }
      const now = Date.now();
      this.st.running.run({ id, now, host: `agent ${agent}` });
      const record: AttemptRecord = { attempt, agent, retry };
      this.st.addAttempt.run({ id, details: JSON.stringify(record), now });
      return record;
    })();
  }
}
