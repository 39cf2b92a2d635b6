// Every fixed SQL statement of the store, prepared once when it opens. Named parameters (@name) throughout.
import { RUN_COLUMNS } from './columns.ts';
import type { Db } from './open.ts';

export function createStatements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  // Rows as arrays (run id, then the epoch's columns in EpochMetrics' order), for reads of thousands of rows.
  const raw = (sql: string) => db.prepare(sql).raw(true);
  return {
    insertRun:
      p(`INSERT INTO runs (id, name, config, dataset, layers, activation, optimizer, lr, batch_size, epochs, seed,
        backend, status, created_at, started_at, app_version, sweep_id, rerun_of, owner_pid, owner_host, owner_token, heartbeat_at,
        experiment_id, sweep_trial)
      VALUES (@id, @name, @config, @dataset, @layers, @activation, @optimizer, @lr, @batch_size, @epochs, @seed,
        @backend, @status, @now, @started, @appVersion, @sweepId, @rerunOf, @pid, @host, @token, @now, @experimentId,
        @sweepTrial)`),
    markRunning: p(`UPDATE runs SET status = 'running', started_at = @now, owner_pid = @pid, owner_host = @host,
        owner_token = @token, heartbeat_at = @now WHERE id = @id`),
    recordStarted: p(`UPDATE runs SET backend_used = @backendUsed, kernels = @kernels, backend_info = @backendInfo,
        data_info = @dataInfo, heartbeat_at = @now WHERE id = @id`),
    insertEpoch:
      p(`INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_acc, val_acc, lr, duration_ms, samples_per_sec)
      VALUES (@id, @epoch, @trainLoss, @valLoss, @trainAcc, @valAcc, @lr, @durationMs, @samplesPerSec)`),
    afterEpoch: p(`UPDATE runs SET
        epochs_done = @epoch, heartbeat_at = @now,
        final_train_loss = @trainLoss, final_val_loss = @valLoss, final_val_acc = @valAcc,
        duration_ms = coalesce(duration_ms, 0) + @durationMs
      WHERE id = @id`),
    upsertCheckpoint: p(`INSERT INTO checkpoints (run_id, kind, epoch, model, weights, created_at)
      VALUES (@id, @kind, @epoch, @model, @weights, @now)
      ON CONFLICT (run_id, kind) DO UPDATE SET epoch = excluded.epoch, model = excluded.model, weights = excluded.weights,
        created_at = excluded.created_at`),
    // The best epoch is the trainer's (its monitored metric and minDelta): each 'best' checkpoint names it while the
    // run trains, with that epoch's stored val_loss, and the summary names it at the finish.
    bestCheckpoint: p(`UPDATE runs SET best_epoch = @epoch,
        best_val_loss = (SELECT val_loss FROM epochs WHERE run_id = @id AND epoch = @epoch) WHERE id = @id`),
    finish: p(`UPDATE runs SET status = @status, finished_at = @now, error = @error, duration_ms = @durationMs,
        best_epoch = COALESCE(@bestEpoch, best_epoch),
        best_val_loss = CASE WHEN @bestEpoch IS NULL THEN best_val_loss ELSE @bestValLoss END,
        samples_per_sec = @samplesPerSec, stopped_early = @stoppedEarly, owner_pid = NULL, owner_host = NULL,
        owner_token = NULL WHERE id = @id`),
    fail: p(`UPDATE runs SET status = @status, finished_at = @now, error = @error, owner_pid = NULL, owner_host = NULL,
        owner_token = NULL WHERE id = @id`),
    cancelQueued: p(`UPDATE runs SET status = 'cancelled', finished_at = @now, owner_pid = NULL, owner_host = NULL,
        owner_token = NULL WHERE id = @id AND status = 'queued'`),
    heartbeat: p(`UPDATE runs SET heartbeat_at = @now WHERE owner_token = @token AND status IN ('queued', 'running')`),
    activeRuns: p(`SELECT id, owner_pid AS pid, owner_host AS host, owner_token AS token, heartbeat_at AS heartbeatAt
      FROM runs WHERE status IN ('queued', 'running') AND owner_token IS NOT NULL`),
    // Guarded by the heartbeat read a moment ago, so a run whose owner just beat or finished is not touched.
    interrupt: p(`UPDATE runs SET status = 'interrupted', finished_at = @now, error = @error, owner_pid = NULL,
        owner_host = NULL, owner_token = NULL
      WHERE id = @id AND status IN ('queued', 'running') AND heartbeat_at IS @heartbeatAt`),
    owner: p(`SELECT status, owner_pid AS pid, owner_host AS host, owner_token AS token, heartbeat_at AS heartbeatAt
      FROM runs WHERE id = @id`),
    idsWithPrefix: p('SELECT id FROM runs WHERE id >= @lo AND id < @hi ORDER BY id LIMIT 6'),
    getRun: p(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = @id`),
    configText: p('SELECT config FROM runs WHERE id = @id'),
    epochs: p(`SELECT epoch, train_loss AS trainLoss, val_loss AS valLoss, train_acc AS trainAcc, val_acc AS valAcc, lr,
        duration_ms AS durationMs, samples_per_sec AS samplesPerSec FROM epochs WHERE run_id = @id ORDER BY epoch`),
    // The runs table's metric columns read a run's best and last epochs only (two primary-key lookups, not every row).
    bestAndLastEpochs:
      p(`SELECT epoch, train_loss AS trainLoss, val_loss AS valLoss, train_acc AS trainAcc, val_acc AS valAcc, lr,
        duration_ms AS durationMs, samples_per_sec AS samplesPerSec FROM epochs
      WHERE run_id = @id AND (epoch = @best OR epoch = (SELECT max(epoch) FROM epochs WHERE run_id = @id)) ORDER BY epoch`),
    // The same for many runs at once (@runs: JSON [[id, bestEpoch], …]): each pick is a primary-key lookup.
    bestAndLastEpochsOf: raw(`WITH wanted(run_id, best) AS (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@runs)),
      picks(run_id, epoch) AS (
        SELECT run_id, best FROM wanted WHERE best IS NOT NULL
        UNION SELECT run_id, (SELECT max(epoch) FROM epochs WHERE epochs.run_id = wanted.run_id) FROM wanted)
      SELECT e.run_id AS runId, e.epoch, e.train_loss AS trainLoss, e.val_loss AS valLoss, e.train_acc AS trainAcc,
        e.val_acc AS valAcc, e.lr, e.duration_ms AS durationMs, e.samples_per_sec AS samplesPerSec
      FROM picks JOIN epochs e ON e.run_id = picks.run_id AND e.epoch = picks.epoch ORDER BY e.run_id, e.epoch`),
    // Every epoch of many runs (@ids: JSON [id, …]), read along the primary key.
    epochsOf: raw(`SELECT run_id AS runId, epoch, train_loss AS trainLoss, val_loss AS valLoss, train_acc AS trainAcc,
        val_acc AS valAcc, lr, duration_ms AS durationMs, samples_per_sec AS samplesPerSec FROM epochs
      WHERE run_id IN (SELECT value FROM json_each(@ids)) ORDER BY run_id, epoch`),
    checkpoint: p('SELECT epoch, model, weights FROM checkpoints WHERE run_id = @id AND kind = @kind'),
    checkpointInfo: p(`SELECT kind, epoch, length(weights) AS bytes, created_at FROM checkpoints WHERE run_id = @id
      ORDER BY kind`),
    countRuns: p('SELECT count(*) AS n FROM runs'),
    renameRun: p('UPDATE runs SET name = @name WHERE id = @id'),
    addTag: p('INSERT OR IGNORE INTO tags (run_id, tag) VALUES (@id, @tag)'),
    removeTag: p('DELETE FROM tags WHERE run_id = @id AND tag = @tag'),
    addNote: p('INSERT INTO notes (run_id, created_at, text) VALUES (@id, @now, @text)'),
    notes: p('SELECT id, created_at, text FROM notes WHERE run_id = @id ORDER BY created_at, id'),
    addArtifact: p(
      `INSERT INTO artifacts (run_id, kind, path, details, created_at) VALUES (@id, @kind, @path, @details, @now)`,
    ),
    artifacts: p(
      'SELECT id, kind, path, details, created_at FROM artifacts WHERE run_id = @id ORDER BY created_at, id',
    ),
    deleteRun: p('DELETE FROM runs WHERE id = @id'),
    insertSweep: p(`INSERT INTO sweeps (id, created_at, base_config, grid, parallel, size, method, space, sweep_seed,
        trials, time_budget_ms, pruner)
      VALUES (@id, @now, @base, @grid, @parallel, @size, @method, @space, @sweepSeed, @trials, @timeBudgetMs, @pruner)`),
    sweepIdsWithPrefix: p('SELECT id FROM sweeps WHERE id >= @lo AND id < @hi ORDER BY id LIMIT 6'),
    getSweep: p(`SELECT id, created_at, base_config, grid, parallel, size, method, space, sweep_seed, trials,
        time_budget_ms, pruner FROM sweeps WHERE id = @id`),
    listSweeps: p(`SELECT id, created_at, grid, size, method, space, trials, pruner,
        (SELECT count(*) FROM runs WHERE runs.sweep_id = sweeps.id) AS runs
      FROM sweeps ORDER BY created_at DESC, id LIMIT @limit`),
    // A sweep's runs by trial number (migration 005), oldest run of a trial first: what resume and the trace read.
    sweepTrials: p(`SELECT id, sweep_trial AS trial, status, config, started_at AS startedAt, epochs_done AS epochsDone,
        stopped_early AS stoppedEarly, stopped_rung AS stoppedRung, best_val_loss AS bestValLoss,
        best_epoch AS bestEpoch, rerun_of AS rerunOf
      FROM runs WHERE sweep_id = @id ORDER BY sweep_trial, created_at, rowid`),
    stoppedAtRung: p('UPDATE runs SET stopped_rung = @rung WHERE id = @id'),
    // A sweep's run that never started (left queued by a killed CLI, or cancelled before its turn) waits again.
    requeue: p(`UPDATE runs SET status = 'queued', finished_at = NULL, error = NULL, owner_pid = @pid,
        owner_host = @host, owner_token = @token, heartbeat_at = @now
      WHERE id = @id AND status IN ('interrupted', 'cancelled') AND started_at IS NULL AND epochs_done = 0`),
    // Read inside the write transaction that it guards: a finished run takes no more epochs or checkpoints.
    runState: p('SELECT status, finished_at AS finishedAt FROM runs WHERE id = @id'),
    hasEpoch: p('SELECT 1 FROM epochs WHERE run_id = @id AND epoch = @epoch'),
    // Experiments: names compare without case (the column's NOCASE collation); id 1 is Default.
    experimentByName:
      p(`SELECT id, name, created_at, (SELECT count(*) FROM runs WHERE runs.experiment_id = experiments.id) AS runs
      FROM experiments WHERE name = @name`),
    insertExperiment: p('INSERT INTO experiments (name, created_at) VALUES (@name, @now)'),
    renameExperiment: p('UPDATE experiments SET name = @to WHERE id = @id'),
    listExperiments: p(`SELECT experiments.id, experiments.name, experiments.created_at,
        (SELECT count(*) FROM runs WHERE runs.experiment_id = experiments.id) AS runs
      FROM experiments ORDER BY experiments.id`),
    moveRun: p('UPDATE runs SET experiment_id = @experimentId WHERE id = @id'),
    runExperiment: p('SELECT experiment_id AS experimentId FROM runs WHERE id = @id'),
    saveLayerStats: p('INSERT OR REPLACE INTO layer_stats (run_id, epoch, layers) VALUES (@id, @epoch, @layers)'),
    layerStats: p('SELECT epoch, layers FROM layer_stats WHERE run_id = @id ORDER BY epoch'),
  };
}

export type Statements = ReturnType<typeof createStatements>;
