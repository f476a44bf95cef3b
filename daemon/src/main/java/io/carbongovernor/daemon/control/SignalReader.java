package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the configured sources in order for the current signal and takes the first that is fresh
 * enough (safety invariant 4: otherwise the fail-safe applies). A source's failure is logged when
 * its state changes, not at every tick, so a long outage does not flood the journal.
 */
final class SignalReader {

  private static final Logger log = LoggerFactory.getLogger("carbon");

  private final List<CarbonSource> sources;
  private final String zone;
  private final Duration maxAge;
  private final Duration forecastHorizon;
  private final List<String> lastError;

  SignalReader(List<CarbonSource> sources, String zone, Duration maxAge, Duration forecastHorizon) {
    this.sources = List.copyOf(sources);
    this.zone = Objects.requireNonNull(zone, "zone");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.forecastHorizon = Objects.requireNonNull(forecastHorizon, "forecastHorizon");
    this.lastError = new ArrayList<>(Collections.nCopies(sources.size(), null));
  }

  SignalReading read(Instant now) {
    List<String> why = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      CarbonSource source = sources.get(i);
      try {
        CarbonSignal current = source.current(zone);
        Duration age = current.ageAt(now);
        if (age.compareTo(maxAge) > 0) {
          note(i, source, "stale", "signal is " + age + " old, max-age " + maxAge);
          why.add(source.name() + " stale");
          continue;
        }
        recovered(i, source);
        return SignalReading.fresh(current, forecast(source));
      } catch (CarbonSourceException e) {
        note(i, source, e.kind().name(), e.getMessage());
        why.add(source.name() + " " + e.kind().name().toLowerCase(Locale.ROOT));
      }
    }
    return SignalReading.failSafe("no fresh signal (" + String.join(", ", why) + ")");
  }

  private List<CarbonSignal> forecast(CarbonSource source) {
    try {
      return source.forecast(zone, forecastHorizon);
    } catch (CarbonSourceException e) {
      log.atDebug()
          .addKeyValue("source", source.name())
          .addKeyValue("error", e.getMessage())
          .log("no forecast; deciding on the current signal alone");
      return List.of();
    }
  }

  /** Logs a failure when its kind differs from the source's last one. */
  private void note(int index, CarbonSource source, String kind, String detail) {
    if (!kind.equals(lastError.get(index))) {
      log.atWarn()
          .addKeyValue("source", source.name())
          .addKeyValue("failure", kind)
          .addKeyValue("error", detail)
          .log("carbon source failing");
      lastError.set(index, kind);
    }
  }

  private void recovered(int index, CarbonSource source) {
    if (lastError.get(index) != null) {
      log.atInfo().addKeyValue("source", source.name()).log("carbon source recovered");
      lastError.set(index, null);
    }
  }
}
