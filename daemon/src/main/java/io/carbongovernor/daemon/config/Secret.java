package io.carbongovernor.daemon.config;

import java.util.Objects;

/**
 * A token or password. It never prints its value, and equality is identity so that comparing
 * configs cannot leak it through timing or logs.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    return new Secret(value);
  }

  /** The value itself; hand it straight to the client that needs it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
