// Schema version 2: imported datasets as immutable snapshots, and the content hash of the data each run trained on.
// An import writes its feature chunks under a row with complete = 0 and flips it to 1 (with the hash, labels or
// targets) in one transaction at the end, so a failed or killed import never shows up as a dataset.
export const sql = `
CREATE TABLE datasets (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  complete      INTEGER NOT NULL DEFAULT 0,
  hash          TEXT,                                    -- sha256 hex of the content, see db/datasets.ts
  task          TEXT CHECK (task IS NULL OR task IN ('classification','regression')),
  rows          INTEGER NOT NULL DEFAULT 0,
  features      INTEGER NOT NULL,
  outputs       INTEGER NOT NULL DEFAULT 0,              -- classes, or regression targets
  feature_names TEXT NOT NULL CHECK (json_valid(feature_names)),
  target_name   TEXT,
  class_labels  TEXT CHECK (class_labels IS NULL OR json_valid(class_labels)),
  source        TEXT NOT NULL CHECK (json_valid(source)),   -- where it came from: {kind, files, bytes, …}
  labels        BLOB,                                    -- classification: uint32 LE per row, deflated
  targets       BLOB,                                    -- regression: float32 LE rows × outputs, deflated
  created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX datasets_name ON datasets(name) WHERE complete = 1;
CREATE INDEX datasets_hash ON datasets(hash);

CREATE TABLE dataset_chunks (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,                           -- 0, 1, … in row order
  rows       INTEGER NOT NULL,
  x          BLOB NOT NULL,                              -- float32 LE rows × features, row-major, deflated
  PRIMARY KEY (dataset_id, seq)
);

ALTER TABLE runs ADD COLUMN dataset_hash TEXT;         -- the imported snapshot a run trained on; NULL for built-ins
`;
