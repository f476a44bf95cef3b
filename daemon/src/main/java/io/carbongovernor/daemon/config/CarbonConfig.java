package io.carbongovernor.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The {@code carbon} section: sources in the order they are tried. */
public record CarbonConfig(Duration maxAge, Duration fetchBudget, List<SourceConfig> sources) {
  public CarbonConfig {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(fetchBudget, "fetchBudget");
    sources = List.copyOf(sources);
  }
}
