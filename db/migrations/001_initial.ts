// Schema version 1: runs with their config, per-epoch metrics, checkpoints, tags, notes, artifacts and sweeps.
// Times are Unix milliseconds. JSON columns hold plain data (ExperimentConfig, BackendInfo, DataInfo, grids).
export const sql = `
CREATE TABLE sweeps (
  id          TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  base_config TEXT NOT NULL CHECK (json_valid(base_config)),
  grid        TEXT NOT NULL CHECK (json_valid(grid)),   -- [{key, values}] in the order given
  parallel    INTEGER NOT NULL,
  size        INTEGER NOT NULL                          -- grid points, one run each
);

CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  name          TEXT,
  config        TEXT NOT NULL CHECK (json_valid(config)),  -- the full ExperimentConfig, defaults filled
  -- the hyperparameters people filter and sort on, copied out of config
  dataset       TEXT NOT NULL,
  layers        TEXT NOT NULL,                             -- hidden units joined by 'x', '' for none
  activation    TEXT NOT NULL,                             -- one name, or the per-layer names joined by ','
  optimizer     TEXT NOT NULL,
  lr            REAL NOT NULL,
  batch_size    INTEGER NOT NULL,
  epochs        INTEGER NOT NULL,
  seed          INTEGER NOT NULL,
  backend       TEXT NOT NULL,                             -- as requested: auto | webgpu | cpu
  status        TEXT NOT NULL CHECK (status IN
                  ('queued','running','completed','cancelled','diverged','interrupted','failed')),
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  error         TEXT,
  app_version   TEXT NOT NULL,
  sweep_id      TEXT REFERENCES sweeps(id) ON DELETE SET NULL,
  rerun_of      TEXT,                                      -- not a foreign key: the original may be removed
  -- who is training it: a run left running by a dead owner becomes 'interrupted' when a store opens
  owner_pid     INTEGER,
  owner_host    TEXT,
  owner_token   TEXT,                                      -- random per process: tells a reused pid apart
  heartbeat_at  INTEGER,
  -- what actually ran
  backend_used  TEXT,                                      -- cpu | webgpu
  kernels       TEXT,
  backend_info  TEXT CHECK (backend_info IS NULL OR json_valid(backend_info)),
  data_info     TEXT CHECK (data_info IS NULL OR json_valid(data_info)),
  -- summary, kept current epoch by epoch so an interrupted run still has one
  epochs_done     INTEGER NOT NULL DEFAULT 0,
  best_val_loss   REAL,
  best_epoch      INTEGER,
  final_train_loss REAL,
  final_val_loss  REAL,
  final_val_acc   REAL,
  duration_ms     REAL,
  samples_per_sec REAL,
  stopped_early   INTEGER
);
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_dataset ON runs(dataset);
CREATE INDEX runs_sweep ON runs(sweep_id);
CREATE INDEX runs_best_val_loss ON runs(best_val_loss);
CREATE INDEX runs_hyper ON runs(optimizer, lr, batch_size, layers, activation);

CREATE TABLE epochs (
  run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch           INTEGER NOT NULL,                        -- 1-based
  train_loss      REAL NOT NULL,
  val_loss        REAL,
  train_acc       REAL,
  val_acc         REAL,
  lr              REAL NOT NULL,
  duration_ms     REAL NOT NULL,
  samples_per_sec REAL NOT NULL,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('best','final')),
  epoch      INTEGER NOT NULL,
  model      TEXT NOT NULL CHECK (json_valid(model)),     -- ModelSnapshot without its arrays
  weights    BLOB NOT NULL,                               -- float32 little-endian, layout in db/snapshot-codec.ts
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, kind)
);

CREATE TABLE tags (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag    TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag);

CREATE TABLE notes (
  id         INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  text       TEXT NOT NULL
);
CREATE INDEX notes_run ON notes(run_id);

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,                               -- e.g. 'onnx'
  path       TEXT NOT NULL,
  details    TEXT CHECK (details IS NULL OR json_valid(details)),  -- e.g. the ONNX export's verification
  created_at INTEGER NOT NULL
);
CREATE INDEX artifacts_run ON artifacts(run_id);
`;
