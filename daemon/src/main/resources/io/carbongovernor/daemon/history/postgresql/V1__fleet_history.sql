-- A fleet's shared history: the tables of a node's own history, each row with the node that
-- wrote it, and natural keys, so that a batch sent twice (a retry, or a crash between sending
-- and the acknowledgement) adds nothing. Rollup rows are sent whole, as the node's spool holds
-- them, and replace what an earlier send wrote.
-- Times are epoch milliseconds (UTC); powers milliwatts; energies millijoules; intensities
-- gCO2eq/kWh; flags 0 or 1: the same columns as the SQLite history, so one reader serves both.

-- The nodes that write here. A node's id is stable (/etc/machine-id unless configured); the
-- instance is new at every start of its daemon, so two machines claiming one id are told apart.
CREATE TABLE nodes (
  node        TEXT   PRIMARY KEY,
  hostname    TEXT   NOT NULL,
  instance    TEXT   NOT NULL,
  started_ms  BIGINT NOT NULL,
  seen_ms     BIGINT NOT NULL
);

CREATE TABLE signals (
  node                TEXT             NOT NULL,
  recorded_at_ms      BIGINT           NOT NULL,
  zone                TEXT             NOT NULL,
  source              TEXT             NOT NULL,
  slot_start_ms       BIGINT           NOT NULL,
  slot_end_ms         BIGINT           NOT NULL,
  intensity_g_per_kwh DOUBLE PRECISION NOT NULL,
  kind                TEXT             NOT NULL,
  estimated           INTEGER          NOT NULL,
  PRIMARY KEY (node, slot_start_ms, recorded_at_ms, source)
);

CREATE TABLE decisions (
  node                TEXT             NOT NULL,
  decided_at_ms       BIGINT           NOT NULL,
  gpu_uuid            TEXT             NOT NULL,
  gpu_index           INTEGER          NOT NULL,
  policy              TEXT             NOT NULL,
  fail_safe           INTEGER          NOT NULL,
  previous_limit_mw   BIGINT,
  target_limit_mw     BIGINT           NOT NULL,
  outcome             TEXT             NOT NULL,
  reason              TEXT             NOT NULL,
  intensity_g_per_kwh DOUBLE PRECISION,
  source              TEXT,
  PRIMARY KEY (node, gpu_uuid, decided_at_ms)
);
CREATE INDEX decisions_by_time ON decisions (decided_at_ms);

CREATE TABLE energy_raw (
  node                TEXT             NOT NULL,
  start_ms            BIGINT           NOT NULL,
  end_ms              BIGINT           NOT NULL,
  gpu_uuid            TEXT             NOT NULL,
  gpu_index           INTEGER          NOT NULL,
  team                TEXT             NOT NULL,
  job                 TEXT             NOT NULL,
  energy_mj           BIGINT           NOT NULL,
  baseline_mj         BIGINT           NOT NULL,
  emissions_g         DOUBLE PRECISION,
  baseline_g          DOUBLE PRECISION,
  intensity_g_per_kwh DOUBLE PRECISION,
  limit_mw            BIGINT           NOT NULL,
  original_limit_mw   BIGINT           NOT NULL,
  busy_ms             BIGINT           NOT NULL,
  extra_ms            BIGINT           NOT NULL,
  throttled_ms        BIGINT           NOT NULL,
  profile_source      TEXT             NOT NULL,
  PRIMARY KEY (node, gpu_uuid, start_ms, team, job)
);
CREATE INDEX energy_raw_by_time ON energy_raw (start_ms);

-- Minute, hour and day rollups: one row per bucket, node, GPU, claim and profile source.
-- updated_ms is when a node last sent the row: the day rollup recomputes the days whose hours
-- changed since it last ran, late hours from a spool that drained after an outage included.
CREATE TABLE energy_minute (
  bucket_ms           BIGINT           NOT NULL,
  node                TEXT             NOT NULL,
  gpu_uuid            TEXT             NOT NULL,
  gpu_index           INTEGER          NOT NULL,
  team                TEXT             NOT NULL,
  job                 TEXT             NOT NULL,
  profile_source      TEXT             NOT NULL,
  samples             BIGINT           NOT NULL,
  energy_mj           BIGINT           NOT NULL,
  baseline_mj         BIGINT           NOT NULL,
  emissions_g         DOUBLE PRECISION NOT NULL,
  baseline_g          DOUBLE PRECISION NOT NULL,
  unknown_energy_mj   BIGINT           NOT NULL,
  limit_mw_ms         DOUBLE PRECISION NOT NULL,
  busy_ms             BIGINT           NOT NULL,
  extra_ms            BIGINT           NOT NULL,
  throttled_ms        BIGINT           NOT NULL,
  updated_ms          BIGINT           NOT NULL,
  PRIMARY KEY (bucket_ms, node, gpu_uuid, team, job, profile_source)
);

CREATE TABLE energy_hour (
  bucket_ms           BIGINT           NOT NULL,
  node                TEXT             NOT NULL,
  gpu_uuid            TEXT             NOT NULL,
  gpu_index           INTEGER          NOT NULL,
  team                TEXT             NOT NULL,
  job                 TEXT             NOT NULL,
  profile_source      TEXT             NOT NULL,
  samples             BIGINT           NOT NULL,
  energy_mj           BIGINT           NOT NULL,
  baseline_mj         BIGINT           NOT NULL,
  emissions_g         DOUBLE PRECISION NOT NULL,
  baseline_g          DOUBLE PRECISION NOT NULL,
  unknown_energy_mj   BIGINT           NOT NULL,
  limit_mw_ms         DOUBLE PRECISION NOT NULL,
  busy_ms             BIGINT           NOT NULL,
  extra_ms            BIGINT           NOT NULL,
  throttled_ms        BIGINT           NOT NULL,
  updated_ms          BIGINT           NOT NULL,
  PRIMARY KEY (bucket_ms, node, gpu_uuid, team, job, profile_source)
);
CREATE INDEX energy_hour_by_update ON energy_hour (updated_ms);

-- Whole UTC days summed from the hour rows by the fleet's rollup job, so that a year's report
-- reads 365 rows per GPU and claim instead of 8,760.
CREATE TABLE energy_day (
  bucket_ms           BIGINT           NOT NULL,
  node                TEXT             NOT NULL,
  gpu_uuid            TEXT             NOT NULL,
  gpu_index           INTEGER          NOT NULL,
  team                TEXT             NOT NULL,
  job                 TEXT             NOT NULL,
  profile_source      TEXT             NOT NULL,
  samples             BIGINT           NOT NULL,
  energy_mj           BIGINT           NOT NULL,
  baseline_mj         BIGINT           NOT NULL,
  emissions_g         DOUBLE PRECISION NOT NULL,
  baseline_g          DOUBLE PRECISION NOT NULL,
  unknown_energy_mj   BIGINT           NOT NULL,
  limit_mw_ms         DOUBLE PRECISION NOT NULL,
  busy_ms             BIGINT           NOT NULL,
  extra_ms            BIGINT           NOT NULL,
  throttled_ms        BIGINT           NOT NULL,
  PRIMARY KEY (bucket_ms, node, gpu_uuid, team, job, profile_source)
);

-- How far the day rollup has read energy_hour.updated_ms.
CREATE TABLE rollup_progress (
  rollup      TEXT   PRIMARY KEY,
  through_ms  BIGINT NOT NULL
);

CREATE TABLE gaps (
  node     TEXT   NOT NULL,
  gpu_uuid TEXT   NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms   BIGINT NOT NULL,
  reason   TEXT   NOT NULL,
  PRIMARY KEY (node, gpu_uuid, start_ms)
);
CREATE INDEX gaps_by_time ON gaps (start_ms);

CREATE TABLE batch_runs (
  node        TEXT             NOT NULL,
  team        TEXT             NOT NULL,
  job         TEXT             NOT NULL,
  seq         INTEGER          NOT NULL,
  batch_size  INTEGER          NOT NULL,
  energy_mj   BIGINT           NOT NULL,
  duration_ms BIGINT           NOT NULL,
  emissions_g DOUBLE PRECISION NOT NULL,
  reached     INTEGER          NOT NULL,
  epochs      INTEGER          NOT NULL,
  finished_ms BIGINT           NOT NULL,
  PRIMARY KEY (node, team, job, seq)
);
