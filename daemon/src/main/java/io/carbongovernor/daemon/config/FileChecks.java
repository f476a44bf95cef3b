package io.carbongovernor.daemon.config;

/** Whether loading touches the files and secrets a config refers to. */
public enum FileChecks {
  /**
   * Referenced files (trace files, secret files, a given teams-dir) must exist and be readable, and
   * source secrets are read.
   */
  CHECK,
  /**
   * Only the config files themselves are read: for validating a config written for another machine.
   * Secrets stay unread, so sources get no token or password.
   */
  SKIP,
  /**
   * Only the config files and the history's password: for a report, which needs the history's
   * login but not the carbon sources' tokens (which the user running it may not be able to read).
   */
  HISTORY_LOGIN
}
