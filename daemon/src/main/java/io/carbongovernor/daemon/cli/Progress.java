package io.carbongovernor.daemon.cli;

/**
 * How far a long command is, for a person at a terminal: drawn on standard error, on one line
 * that closing clears, so that it never mixes with the command's output. Where standard error is
 * no terminal nothing is written ({@link #NONE}): logs and pipes get no carriage returns.
 */
interface Progress extends AutoCloseable {

  /** Draws nothing. */
  Progress NONE = new Progress() {
    @Override
    public void next(String what) {}

    @Override
    public void close() {}
  };

  /** The next item of the work begins; {@code what} names it. */
  void next(String what);

  /** Clears the line. */
  @Override
  void close();
}
