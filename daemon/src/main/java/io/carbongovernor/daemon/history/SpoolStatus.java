package io.carbongovernor.daemon.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a fleet node's spool stands, from memory (a scrape does no I/O).
 *
 * @param unsentSamples raw samples in the spool that the fleet database has not acknowledged
 * @param droppedSamples raw samples dropped unsent since the start, the spool being full (their
 *     minute and hour sums were kept)
 * @param rowsSent rows the fleet database acknowledged since the start, every table together
 * @param lastSent when the fleet database last acknowledged a shipping round; empty if never
 * @param reachable whether the last attempt reached the fleet database
 * @param refused whether the fleet database refused this node's id, another machine holding it
 */
public record SpoolStatus(
    long unsentSamples, long droppedSamples, long rowsSent, Optional<Instant> lastSent, boolean reachable,
    boolean refused) {

  public SpoolStatus {
    Objects.requireNonNull(lastSent, "lastSent");
  }
}
