// Schema version 4: named experiments (as in MLflow). Every run belongs to one; the runs recorded before this version
// all land in experiment 1, "Default", which is also where a run goes when nobody names an experiment.
// runs.experiment_id stays nullable: SQLite's ADD COLUMN cannot give a REFERENCES column a non-NULL default, so the
// backfill below and the trigger (a run inserted without an experiment joins Default) keep it set instead.
export const sql = `
CREATE TABLE experiments (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE COLLATE NOCASE,      -- "Default" and "default" are one experiment
  created_at INTEGER NOT NULL
);
INSERT INTO experiments (id, name, created_at)
  VALUES (1, 'Default', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

ALTER TABLE runs ADD COLUMN experiment_id INTEGER REFERENCES experiments(id);
UPDATE runs SET experiment_id = 1;
CREATE INDEX runs_experiment ON runs(experiment_id, created_at);

CREATE TRIGGER runs_default_experiment AFTER INSERT ON runs WHEN NEW.experiment_id IS NULL
BEGIN
  UPDATE runs SET experiment_id = 1 WHERE id = NEW.id;
END;
`;
