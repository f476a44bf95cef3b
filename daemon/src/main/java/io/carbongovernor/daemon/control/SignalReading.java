package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The carbon signal a tick decides on: the current slot (from the first source in order with a
 * fresh one) and a forecast, or nothing and the reason the fail-safe applies.
 */
record SignalReading(
    Optional<CarbonSignal> current, List<CarbonSignal> forecast, Optional<String> failSafeReason) {

  SignalReading {
    Objects.requireNonNull(current, "current");
    forecast = List.copyOf(forecast);
    Objects.requireNonNull(failSafeReason, "failSafeReason");
    if (current.isPresent() == failSafeReason.isPresent()) {
      throw new IllegalArgumentException("a reading has either a current signal or a fail-safe reason");
    }
  }

  static SignalReading fresh(CarbonSignal current, List<CarbonSignal> forecast) {
    return new SignalReading(Optional.of(current), forecast, Optional.empty());
  }

  static SignalReading failSafe(String reason) {
    return new SignalReading(Optional.empty(), List.of(), Optional.of(reason));
  }
}
