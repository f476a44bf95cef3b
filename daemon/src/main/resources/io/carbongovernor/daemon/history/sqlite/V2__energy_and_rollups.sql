-- Energy accounting. One raw row per sample, GPU and claim (a team, '(default)' for work under
-- the default policy, '(idle)' for a GPU without work) and job ('' when none). Each write also
-- adds into the minute and hour rows of the same key in the same transaction, so rollups always
-- equal the raw sums and reports never wait for a rollup pass.
-- energy_mj: measured; baseline_mj: the same work at the original limit; *_g: grams CO2e (NULL
-- when no intensity was known); busy_ms: time covered; extra_ms: time beyond full speed for the
-- same work; throttled_ms: time under a limit below the original.
CREATE TABLE energy_raw (
  id                  INTEGER PRIMARY KEY,
  start_ms            INTEGER NOT NULL,
  end_ms              INTEGER NOT NULL,
  gpu_uuid            TEXT    NOT NULL,
  gpu_index           INTEGER NOT NULL,
  team                TEXT    NOT NULL,
  job                 TEXT    NOT NULL,
  energy_mj           INTEGER NOT NULL,
  baseline_mj         INTEGER NOT NULL,
  emissions_g         REAL,
  baseline_g          REAL,
  intensity_g_per_kwh REAL,
  limit_mw            INTEGER NOT NULL,
  original_limit_mw   INTEGER NOT NULL,
  busy_ms             INTEGER NOT NULL,
  extra_ms            INTEGER NOT NULL,
  throttled_ms        INTEGER NOT NULL,
  profile_source      TEXT    NOT NULL
) STRICT;
CREATE INDEX energy_raw_by_time ON energy_raw (start_ms);

CREATE TABLE energy_minute (
  bucket_ms           INTEGER NOT NULL,
  gpu_uuid            TEXT    NOT NULL,
  gpu_index           INTEGER NOT NULL,
  team                TEXT    NOT NULL,
  job                 TEXT    NOT NULL,
  profile_source      TEXT    NOT NULL,
  samples             INTEGER NOT NULL,
  energy_mj           INTEGER NOT NULL,
  baseline_mj         INTEGER NOT NULL,
  emissions_g         REAL    NOT NULL,
  baseline_g          REAL    NOT NULL,
  unknown_energy_mj   INTEGER NOT NULL,
  limit_mw_ms         REAL    NOT NULL,
  busy_ms             INTEGER NOT NULL,
  extra_ms            INTEGER NOT NULL,
  throttled_ms        INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, gpu_uuid, team, job, profile_source)
) STRICT, WITHOUT ROWID;

CREATE TABLE energy_hour (
  bucket_ms           INTEGER NOT NULL,
  gpu_uuid            TEXT    NOT NULL,
  gpu_index           INTEGER NOT NULL,
  team                TEXT    NOT NULL,
  job                 TEXT    NOT NULL,
  profile_source      TEXT    NOT NULL,
  samples             INTEGER NOT NULL,
  energy_mj           INTEGER NOT NULL,
  baseline_mj         INTEGER NOT NULL,
  emissions_g         REAL    NOT NULL,
  baseline_g          REAL    NOT NULL,
  unknown_energy_mj   INTEGER NOT NULL,
  limit_mw_ms         REAL    NOT NULL,
  busy_ms             INTEGER NOT NULL,
  extra_ms            INTEGER NOT NULL,
  throttled_ms        INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, gpu_uuid, team, job, profile_source)
) STRICT, WITHOUT ROWID;

-- Periods in which a GPU could not be read: a gap, never a zero.
CREATE TABLE gaps (
  id       INTEGER PRIMARY KEY,
  gpu_uuid TEXT    NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms   INTEGER NOT NULL,
  reason   TEXT    NOT NULL
) STRICT;
CREATE INDEX gaps_by_time ON gaps (start_ms);
