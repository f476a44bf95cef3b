package io.carbongovernor.daemon.systemd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings systemd's watchdog only while the control loop completes ticks on time, so that a stuck
 * loop (a hung GPU call, a dead scheduler thread) ends in a restart and the restore that comes
 * with it. It watches the loop's count of completed ticks and notes when it last grew.
 *
 * <p>The rule: the loop is healthy while its last completed tick is at most {@code max(2 ×
 * interval, interval + WatchdogSec)} old. A tick is due every interval, so two intervals allow one
 * late tick; the second term gives a tick at short intervals as long as the watchdog itself to
 * finish (a slow source or a long pause), so neither costs a restart.
 */
final class Watchdog {

  static final String WATCHDOG_USEC = "WATCHDOG_USEC";
  static final String WATCHDOG_PID = "WATCHDOG_PID";

  private static final Logger log = LoggerFactory.getLogger("systemd");

  private final SystemdNotifier notifier;
  private final Clock clock;
  private final LongSupplier completedTicks;
  private final Duration maxTickAge;
  private final boolean ping;

  private long ticksSeen;
  private Instant lastTickSeenAt;
  private boolean stalled;

  /**
   * @param clock a clock that does not jump (monotonic in the daemon)
   * @param completedTicks the loop's count of completed ticks; read without waiting on the loop
   * @param maxTickAge from {@link #maxTickAge}
   * @param ping whether to send {@code WATCHDOG=1} (systemd asked for it) or only judge health
   */
  Watchdog(SystemdNotifier notifier, Clock clock, LongSupplier completedTicks, Duration maxTickAge, boolean ping) {
    this.notifier = notifier;
    this.clock = clock;
    this.completedTicks = completedTicks;
    this.maxTickAge = maxTickAge;
    this.ping = ping;
    this.ticksSeen = completedTicks.getAsLong();
    this.lastTickSeenAt = clock.instant();
  }

  /**
   * systemd's {@code WatchdogSec=} for this process: {@code WATCHDOG_USEC}, unless {@code
   * WATCHDOG_PID} names another process (sd_watchdog_enabled(3)).
   *
   * @throws IllegalArgumentException when a variable is set but not a positive number
   */
  static Optional<Duration> timeout(Map<String, String> env, long pid) {
    String usec = env.get(WATCHDOG_USEC);
    if (usec == null || usec.isEmpty()) {
      return Optional.empty();
    }
    String watchdogPid = env.get(WATCHDOG_PID);
    if (watchdogPid != null && !watchdogPid.isEmpty() && positive(WATCHDOG_PID, watchdogPid) != pid) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.multiplyExact(positive(WATCHDOG_USEC, usec), 1000L)));
  }

  private static long positive(String name, String value) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive number, got '" + value + "'");
  }

  /** The rule above; without a watchdog, two intervals. */
  static Duration maxTickAge(Duration interval, Optional<Duration> timeout) {
    Duration twoIntervals = interval.multipliedBy(2);
    Duration intervalAndTimeout = interval.plus(timeout.orElse(Duration.ZERO));
    return twoIntervals.compareTo(intervalAndTimeout) >= 0 ? twoIntervals : intervalAndTimeout;
  }

  /**
   * Looks at the loop once and pings when it is healthy.
   *
   * @return whether the loop is healthy
   */
  synchronized boolean check() {
    Instant now = clock.instant();
    long ticks = completedTicks.getAsLong();
    if (ticks != ticksSeen) {
      ticksSeen = ticks;
      lastTickSeenAt = now;
    }
    Duration age = Duration.between(lastTickSeenAt, now);
    boolean healthy = age.compareTo(maxTickAge) <= 0;
    if (!healthy && !stalled) {
      log.atError()
          .addKeyValue("since_last_tick_s", age.toSeconds())
          .addKeyValue("limit_s", maxTickAge.toSeconds())
          .log(ping ? "control loop stalled; withholding watchdog pings so that systemd restarts the daemon"
              : "control loop stalled");
    } else if (healthy && stalled) {
      log.atInfo().log("control loop completing ticks again");
    }
    stalled = !healthy;
    if (healthy && ping) {
      notifier.send("WATCHDOG=1");
    }
    return healthy;
  }

  /** How long ago the loop last completed a tick, as of the last {@link #check()}. */
  synchronized Duration sinceLastTick() {
    return Duration.between(lastTickSeenAt, clock.instant());
  }
}
