-- Finished runs of recurring jobs, in order per (team, job): what the batch-size advisor learned.
-- The order matters: the advisor replays its pruning from it.
CREATE TABLE batch_runs (
  team        TEXT    NOT NULL,
  job         TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  batch_size  INTEGER NOT NULL,
  energy_mj   INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  emissions_g REAL    NOT NULL,
  reached     INTEGER NOT NULL,
  epochs      INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  PRIMARY KEY (team, job, seq)
) STRICT;
