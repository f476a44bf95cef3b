package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A provider of grid carbon intensity. Implementations are providers (one class each), a trace
 * file, or decorators (cache, fallback) that wrap other sources and implement this same interface.
 *
 * <p>Every method either returns plausible signals or throws {@link CarbonSourceException}.
 */
public interface CarbonSource {

  /** A short name used in logs, metrics and the {@code source} field of signals. */
  String name();

  /** The signal of the slot that covers the present moment. */
  CarbonSignal current(String zone);

  /** Signals for the slots after the current one that start within {@code horizon}, in time order. */
  List<CarbonSignal> forecast(String zone, Duration horizon);

  /** Signals for slots that overlap {@code [from, to)}, in time order. */
  List<CarbonSignal> history(String zone, Instant from, Instant to);

  /**
   * Whether this source answers from memory or a local file and never waits on a network: a
   * fallback chain then asks it on the caller's thread instead of handing the call to another.
   */
  default boolean local() {
    return false;
  }
}
