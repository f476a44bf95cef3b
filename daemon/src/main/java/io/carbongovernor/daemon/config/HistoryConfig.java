package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.history.Retention;
import java.util.Objects;

/** The history store's JDBC url (a relative SQLite path is already resolved) and its retention. */
public record HistoryConfig(String url, Retention retention) {
  public HistoryConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(retention, "retention");
  }
}
