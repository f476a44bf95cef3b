package io.carbongovernor.daemon.control;

import java.time.Duration;

/**
 * Told what each control tick did, as it ends (metrics). Called on the tick's thread; an
 * implementation must be quick and must not throw.
 */
public interface TickListener {

  /** A tick that decided and applied; {@code took} is its wall-clock duration. */
  void completed(TickReport report, Duration took);

  /** A tick that failed part way (logged by the loop); nothing was published. */
  void failed(Duration took);
}
