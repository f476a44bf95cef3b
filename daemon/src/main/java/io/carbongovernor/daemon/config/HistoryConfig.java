package io.carbongovernor.daemon.config;

import java.util.Objects;

/** The history store's JDBC url; a relative SQLite path is already resolved. */
public record HistoryConfig(String url) {
  public HistoryConfig {
    Objects.requireNonNull(url, "url");
  }
}
