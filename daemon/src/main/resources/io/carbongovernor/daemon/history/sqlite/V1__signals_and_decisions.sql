-- Times are epoch milliseconds (UTC); powers milliwatts; intensities gCO2eq/kWh.
CREATE TABLE signals (
  id                  INTEGER PRIMARY KEY,
  recorded_at_ms      INTEGER NOT NULL,
  zone                TEXT    NOT NULL,
  source              TEXT    NOT NULL,
  slot_start_ms       INTEGER NOT NULL,
  slot_end_ms         INTEGER NOT NULL,
  intensity_g_per_kwh REAL    NOT NULL,
  kind                TEXT    NOT NULL,
  estimated           INTEGER NOT NULL
) STRICT;
CREATE INDEX signals_by_time ON signals (recorded_at_ms);

CREATE TABLE decisions (
  id                  INTEGER PRIMARY KEY,
  decided_at_ms       INTEGER NOT NULL,
  gpu_uuid            TEXT    NOT NULL,
  gpu_index           INTEGER NOT NULL,
  policy              TEXT    NOT NULL,
  fail_safe           INTEGER NOT NULL,
  previous_limit_mw   INTEGER,
  target_limit_mw     INTEGER NOT NULL,
  outcome             TEXT    NOT NULL,
  reason              TEXT    NOT NULL,
  intensity_g_per_kwh REAL,
  source              TEXT
) STRICT;
CREATE INDEX decisions_by_time ON decisions (decided_at_ms);
CREATE INDEX decisions_by_gpu ON decisions (gpu_uuid, decided_at_ms);
