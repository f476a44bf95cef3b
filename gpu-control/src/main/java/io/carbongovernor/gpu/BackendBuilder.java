package io.carbongovernor.gpu;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What every vendor library's builder takes: the library to load, the clock that times
 * re-initialisation of failed GPUs, and the back-off of those retries. Defaults: the vendor's
 * library, the system clock, retries after 5 s up to 5 min.
 *
 * @param <B> the vendor's builder, so that each option returns it
 */
public abstract class BackendBuilder<B extends BackendBuilder<B>> {

  private final String vendorLibrary;
  protected String library;
  protected Clock clock = Clock.systemUTC();
  protected Duration firstRetry = Duration.ofSeconds(5);
  protected Duration maxRetry = Duration.ofMinutes(5);

  /**
   * @param vendorLibrary the library's name in messages ("NVML", "AMD SMI")
   * @param defaultLibrary what is loaded when no library is given
   */
  protected BackendBuilder(String vendorLibrary, String defaultLibrary) {
    this.vendorLibrary = vendorLibrary;
    this.library = defaultLibrary;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** A path or a library name (SONAME). */
  public B library(String library) {
    Objects.requireNonNull(library, "library");
    if (library.isBlank()) {
      throw new IllegalArgumentException(vendorLibrary + " library name is blank");
    }
    this.library = library;
    return self();
  }

  /** The clock that times re-initialisation attempts of failed GPUs. */
  public B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /** A failed GPU is retried after {@code first}, then after twice as long, up to {@code max}. */
  public B retryBackoff(Duration first, Duration max) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max, got " + first + ", " + max);
    }
    this.firstRetry = first;
    this.maxRetry = max;
    return self();
  }
}
