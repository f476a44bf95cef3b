package io.carbongovernor.daemon.cli;

/** The exit codes of every command, as docs/operations-and-security.md lists them for users. */
public final class ExitCodes {
  public static final int OK = 0;
  /** Something failed at run time (a GPU backend that cannot start, an unreadable database). */
  public static final int RUNTIME_FAILURE = 1;
  /** Bad command line. */
  public static final int USAGE = 2;
  /** The configuration is invalid ({@code EX_CONFIG}); systemd does not restart on it. */
  public static final int INVALID_CONFIG = 78;

  private ExitCodes() {}
}
