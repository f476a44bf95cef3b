package io.carbongovernor.daemon.history;

import java.util.Locale;

/**
 * Why the history could not be written or read, or had to start over: a bounded word for the
 * log and the metrics' {@code cause} label.
 */
public enum HistoryProblem {
  /** SQLITE_FULL: the file system (or the database's page limit) has no room. */
  DISK_FULL,
  /** The file, its folder or its file system refuses writes: owner, mode, an immutable flag, a read-only mount. */
  READ_ONLY,
  /** Another process held a lock on the database longer than the daemon waits. */
  LOCKED,
  /** The file was deleted while open; a new database was started at its path. */
  DELETED,
  /** Another file took the path while open; the daemon went on with that one. */
  REPLACED,
  /** Truncated or corrupt; moved aside and a new database started. */
  DAMAGED,
  /** Any other input/output error. */
  IO_ERROR,
  /** Anything else, such as a database of a newer schema put in its place. */
  OTHER;

  /** The word in logs and metric labels, e.g. {@code disk_full}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A problem after which the daemon starts a new database at the path (or switches to the file there). */
  boolean startsOver() {
    return this == DELETED || this == REPLACED || this == DAMAGED;
  }

  /**
   * A problem a fresh connection may not have: SQLite opens a file it may not write read-only and
   * keeps it so, and a connection left in an unknown state is best dropped.
   */
  boolean dropsConnection() {
    return this == READ_ONLY || this == IO_ERROR || this == OTHER;
  }
}
