-- Jobs handed to the daemon by `submit`, one row each, in every state; ended rows are pruned a
-- week after their end. Times are epoch milliseconds (UTC). Lists and maps are JSON.
CREATE TABLE job_queue (
  id                  TEXT    PRIMARY KEY,
  name                TEXT    NOT NULL,
  uid                 INTEGER NOT NULL,
  user_name           TEXT    NOT NULL,
  team                TEXT,
  state               TEXT    NOT NULL,
  submitted_ms        INTEGER NOT NULL,
  deadline_ms         INTEGER NOT NULL,
  expected_ms         INTEGER NOT NULL,
  expected_learned    INTEGER NOT NULL,
  latest_start_ms     INTEGER NOT NULL,
  gpus                TEXT    NOT NULL,
  workdir             TEXT    NOT NULL,
  log                 TEXT,
  command             TEXT    NOT NULL,
  environment         TEXT    NOT NULL,
  planned_start_ms    INTEGER,
  plan_basis          TEXT,
  expected_change_pct REAL,
  started_ms          INTEGER,
  gpus_given          TEXT    NOT NULL,
  pid                 INTEGER,
  -- the started process's start time (clock ticks after boot): tells it from a later one with its pid
  process_start       INTEGER,
  unit                TEXT,
  registered_job      TEXT,
  ended_ms            INTEGER,
  exit_code           INTEGER,
  reason              TEXT
) STRICT;
CREATE INDEX job_queue_by_state ON job_queue (state);
CREATE INDEX job_queue_runs ON job_queue (team, name, state);
