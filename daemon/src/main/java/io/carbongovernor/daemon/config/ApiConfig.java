package io.carbongovernor.daemon.config;

import java.util.Objects;

/**
 * The local API listener. {@code host} is a loopback address without brackets ({@code 127.0.0.1},
 * {@code ::1} or {@code localhost}).
 */
public record ApiConfig(String host, int port) {
  public ApiConfig {
    Objects.requireNonNull(host, "host");
  }
}
