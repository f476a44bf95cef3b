-- What a node writing into a fleet's database has sent from its spool. Unused (and free) in a
-- node's own history: the rollup counters stay at zero, so no row enters the partial indexes.
--
-- changes counts the samples added into a rollup row while it is a spool's; shipped is the count
-- the fleet database had when it last acknowledged the row, so a row changed while it was being
-- sent is sent again whole.
ALTER TABLE energy_minute ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE energy_minute ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0;
CREATE INDEX energy_minute_unsent ON energy_minute (bucket_ms) WHERE changes > shipped;
ALTER TABLE energy_hour ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE energy_hour ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0;
CREATE INDEX energy_hour_unsent ON energy_hour (bucket_ms) WHERE changes > shipped;

-- Append-only tables are sent in the order of their row ids: 'sent:<table>' is the highest id
-- the fleet database acknowledged (or that was dropped unsent). 'instance' is the id this
-- spool's daemon last claimed its node with, so that its own restart takes the claim back.
CREATE TABLE spool_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
