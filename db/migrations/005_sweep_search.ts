// Schema version 5: what a sweep searched and how, so that `mlpw sweep --resume`, `mlpw sweeps` and the app can show
// and continue it: its method, space, sweep seed, trials, time budget and pruner (ASHA / Hyperband); each run's
// trial number in its sweep; and the rung a trial stopped early by the pruner reached. A sweep written before keeps
// reading as before: method 'grid' unless the search fields the CLI kept in its grid JSON say otherwise (backfilled).
export const sql = `
ALTER TABLE sweeps ADD COLUMN method TEXT NOT NULL DEFAULT 'grid' CHECK (method IN ('grid','random','bayes'));
ALTER TABLE sweeps ADD COLUMN space TEXT CHECK (space IS NULL OR json_valid(space));     -- [{key, dist}], DIST as given
ALTER TABLE sweeps ADD COLUMN sweep_seed INTEGER;                                        -- random and bayes only
ALTER TABLE sweeps ADD COLUMN trials INTEGER;                                            -- --trials N, random and bayes
ALTER TABLE sweeps ADD COLUMN time_budget_ms INTEGER;                                    -- no new trial after it
ALTER TABLE sweeps ADD COLUMN pruner TEXT CHECK (pruner IS NULL OR json_valid(pruner));  -- PrunerSpec, engine/experiment/asha.ts

-- A search sweep stored before this version kept {method, dist, trials, seed} on every axis of its grid.
UPDATE sweeps SET
  method = json_extract(grid, '$[0].search.method'),
  sweep_seed = json_extract(grid, '$[0].search.seed'),
  trials = json_extract(grid, '$[0].search.trials'),
  space = (SELECT json_group_array(json_object('key', json_extract(a.value, '$.key'),
             'dist', json_extract(a.value, '$.search.dist'))) FROM json_each(sweeps.grid) a)
WHERE json_extract(grid, '$[0].search.method') IN ('random', 'bayes');

ALTER TABLE runs ADD COLUMN sweep_trial INTEGER;     -- 0-based trial number within its sweep
ALTER TABLE runs ADD COLUMN stopped_rung INTEGER;    -- the pruner's rung (0-based) a trial stopped early at reached

-- Earlier sweeps' runs, numbered in the order they were created (one transaction per grid: rowid breaks the tie).
UPDATE runs SET sweep_trial = (
  SELECT t.n FROM (SELECT id, row_number() OVER (PARTITION BY sweep_id ORDER BY created_at, rowid) - 1 AS n
                   FROM runs WHERE sweep_id IS NOT NULL) t WHERE t.id = runs.id)
WHERE sweep_id IS NOT NULL;
CREATE INDEX runs_sweep_trial ON runs(sweep_id, sweep_trial);
`;
