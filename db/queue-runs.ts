// The store's side of runs trained by agents: who trains them (owner_host holds "agent NAME"), which attempt the
// store holds (one 'queue-attempt' artifact per attempt, no migration), and the reset when a retry starts over.
// Such runs have no owner pid or token, so a restarted coordinator (or any process opening the store) never marks
// them interrupted: the queue, not a local process, says whether they still train.
import type { RunStore } from './run-store.ts';

/** The artifact kind of one attempt at a queued run: details {attempt, agent, retry}. */
export const ATTEMPT_ARTIFACT = 'queue-attempt';
/** The artifact kind naming the queue a run was handed to: details {url}, its password masked (never stored). */
export const QUEUE_URL_ARTIFACT = 'queue-url';

/** A queued sweep's run as the sweep page shows it: who trains it and how many times it started over. */
export interface QueuedRunState {
  id: string;
  status: string;
  /** the agent's name while or after it trained the run; null while it waits */
  agent: string | null;
  retries: number;
}

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
      addUrl: p(`INSERT INTO artifacts (run_id, kind, path, details, created_at)
        VALUES (@id, '${QUEUE_URL_ARTIFACT}', '', @details, @now)`),
      sweepUrl: p(`SELECT a.details FROM artifacts a JOIN runs r ON r.id = a.run_id
        WHERE r.sweep_id = @sweepId AND a.kind = '${QUEUE_URL_ARTIFACT}' ORDER BY a.id DESC LIMIT 1`),
      sweepStates: p(`SELECT r.id, r.status, r.owner_host AS host,
          (SELECT COUNT(*) FROM artifacts a WHERE a.run_id = r.id AND a.kind = '${ATTEMPT_ARTIFACT}') AS attempts,
          (SELECT a.details FROM artifacts a WHERE a.run_id = r.id AND a.kind = '${ATTEMPT_ARTIFACT}'
            ORDER BY a.id DESC LIMIT 1) AS last
        FROM runs r WHERE r.sweep_id = @sweepId ORDER BY r.sweep_trial, r.created_at, r.id`),
      sweepOnQueue: p(`SELECT 1 FROM runs WHERE sweep_id = @sweepId AND owner_token IS NULL
        AND (owner_host = 'queue' OR owner_host LIKE 'agent %') LIMIT 1`),
      openSweeps: p(`SELECT DISTINCT sweep_id AS sweepId FROM runs WHERE sweep_id IS NOT NULL
        AND status IN ('queued', 'running') AND owner_token IS NULL AND (owner_host = 'queue' OR owner_host LIKE 'agent %')
        ORDER BY sweep_id`),
    };
  }

  /** Queued runs handed to the queue: no local process owns them from now on. */
  handOver(ids: readonly string[]): void {
    const now = Date.now();
    this.store.db.transaction(() => {
      for (const id of ids) this.st.queue.run({ id, now });
    })();
  }

  /** The queue the runs were handed to, as shown (password masked), for the app to reattach to. */
  recordQueueUrl(ids: readonly string[], shownUrl: string): void {
    const now = Date.now();
    const details = JSON.stringify({ url: shownUrl });
    this.store.db.transaction(() => {
      for (const id of ids) this.st.addUrl.run({ id, details, now });
    })();
  }

  /** The queue URL recorded for a sweep's runs (password masked), or null: queued by `mlpw sweep --queue`. */
  queueUrl(sweepId: string): string | null {
    const row = this.st.sweepUrl.get({ sweepId }) as { details: string } | undefined;
    return row ? (JSON.parse(row.details) as { url: string }).url : null;
  }

  /**
   * Each run of a sweep, in trial order: its status, its agent (owner_host "agent NAME" while it trains, then its
   * last attempt's), its retries.
   */
  sweepStates(sweepId: string): QueuedRunState[] {
    type Row = { id: string; status: string; host: string | null; attempts: number; last: string | null };
    return (this.st.sweepStates.all({ sweepId }) as Row[]).map((r) => ({
      id: r.id,
      status: r.status,
      agent: r.host?.startsWith('agent ')
        ? r.host.slice('agent '.length)
        : r.last
          ? (JSON.parse(r.last) as AttemptRecord).agent
          : null,
      retries: Math.max(0, r.attempts - 1),
    }));
  }

  /** Some run of the sweep is handed to a queue or trained by an agent now. */
  onQueue(sweepId: string): boolean {
    return this.st.sweepOnQueue.get({ sweepId }) !== undefined;
  }

  /** Sweeps with runs still queued or running on a queue (no local process owns them). */
  openSweeps(): string[] {
    return (this.st.openSweeps.all() as { sweepId: string }[]).map((r) => r.sweepId);
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
