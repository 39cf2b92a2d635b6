// Schema version 3: per-epoch layer statistics for the insight views (weight histograms, gradient norms). A table of
// its own rather than a column on epochs, so runs recorded without stats cost nothing and the epoch insert is unchanged.
export const sql = `
CREATE TABLE layer_stats (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch  INTEGER NOT NULL,                                -- 1-based, as in epochs
  layers TEXT NOT NULL CHECK (json_valid(layers)),        -- LayerEpochStats[] (engine/types.ts), hidden then output
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
`;
