package io.carbongovernor.daemon.systemd;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.control.ControlLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon as systemd sees it: {@code READY=1} once the first control tick has
 * completed, {@code RELOADING=1} and {@code READY=1} around a reload, {@code STOPPING=1} on
 * shutdown, {@code WATCHDOG=1} every half {@code WatchdogSec} while ticks complete on time (see
 * {@link Watchdog}), and a {@code STATUS=} line with what the last tick did. Without {@code
 * $NOTIFY_SOCKET} it does nothing and starts no thread.
 */
public final class ServiceNotifications implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("systemd");

  /** How often the status line is refreshed when systemd asked for no watchdog. */
  private static final Duration STATUS_EVERY = Duration.ofSeconds(30);

  private final SystemdNotifier notifier;
  private final ControlLoop loop;
  private final boolean shadow;
  private final ScheduledExecutorService thread;
  private boolean ready;
  private boolean stopping;
  private String lastStatus = "";

  private ServiceNotifications(
      SystemdNotifier notifier, ControlLoop loop, boolean shadow, ScheduledExecutorService thread) {
    this.notifier = notifier;
    this.loop = loop;
    this.shadow = shadow;
    this.thread = thread;
  }

  /**
   * Starts notifying for a daemon that has just started: a status line now, {@code READY=1} when
   * the loop completes its first tick, then the watchdog.
   *
   * @param env the process environment ({@code WATCHDOG_USEC}, {@code WATCHDOG_PID})
   */
  public static ServiceNotifications start(
      SystemdNotifier notifier, Map<String, String> env, ControlLoop loop, GovernorConfig config) {
    boolean shadow = config.mode() == GovernorConfig.Mode.SHADOW;
    if (!notifier.enabled()) {
      return new ServiceNotifications(notifier, loop, shadow, null);
    }
    Optional<Duration> timeout = watchdogTimeout(env);
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "systemd-notify");
              t.setDaemon(true);
              return t;
            });
    ServiceNotifications service = new ServiceNotifications(notifier, loop, shadow, thread);
    service.status(StatusLine.starting());
    Watchdog watchdog =
        new Watchdog(
            notifier,
            new MonotonicClock(),
            loop::completedTicks,
            Watchdog.maxTickAge(config.interval(), timeout),
            timeout.isPresent());
    Duration every = timeout.map(t -> t.dividedBy(2)).orElse(STATUS_EVERY);
    thread.execute(() -> service.awaitFirstTick(watchdog, every));
    timeout.ifPresent(
        t ->
            log.atInfo()
                .addKeyValue("watchdog_s", t.toMillis() / 1000.0)
                .addKeyValue("ping_every_s", every.toMillis() / 1000.0)
                .log("systemd watchdog enabled"));
    return service;
  }

  private static Optional<Duration> watchdogTimeout(Map<String, String> env) {
    try {
      return Watchdog.timeout(env, ProcessHandle.current().pid());
    } catch (IllegalArgumentException | ArithmeticException e) {
      log.atWarn().addKeyValue("problem", e.getMessage()).log("ignoring the systemd watchdog settings");
      return Optional.empty();
    }
  }

  private void awaitFirstTick(Watchdog watchdog, Duration every) {
    try {
      while (!loop.awaitTicks(1, Duration.ofMinutes(1))) {
        // keeps waiting: TimeoutStartSec= decides how long is too long
      }
    } catch (InterruptedException e) {
      return; // stopped before the first tick
    }
    synchronized (this) {
      if (stopping) {
        return;
      }
      ready = true;
      lastStatus = StatusLine.of(loop.lastReport(), shadow);
      notifier.send("READY=1\nSTATUS=" + lastStatus);
    }
    log.atInfo().log("notified systemd: ready");
    watchdog.check();
    thread.scheduleAtFixedRate(() -> check(watchdog), every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void check(Watchdog watchdog) {
    boolean healthy = watchdog.check();
    status(healthy ? StatusLine.of(loop.lastReport(), shadow) : StatusLine.stalled(watchdog.sinceLastTick()));
  }

  /** Sends a status line when it differs from the last one sent. */
  private synchronized void status(String line) {
    if (!stopping && !line.equals(lastStatus)) {
      lastStatus = line;
      notifier.send("STATUS=" + line);
    }
  }

  /** Before a reload: {@code RELOADING=1} with the monotonic time systemd's reload logic expects. */
  public synchronized void reloading() {
    if (!ready || stopping) {
      return;
    }
    notifier.send("RELOADING=1\nMONOTONIC_USEC=" + Libc.load().monotonicMicros() + "\nSTATUS=reloading the configuration");
  }

  /** After a reload: {@code READY=1} again, and whether the new configuration is in force. */
  public synchronized void reloaded(boolean applied) {
    if (stopping || !notifier.enabled()) {
      return;
    }
    lastStatus = StatusLine.reloaded(applied, StatusLine.of(loop.lastReport(), shadow));
    notifier.send((ready ? "READY=1\n" : "") + "STATUS=" + lastStatus);
  }

  /** At the start of a shutdown: {@code STOPPING=1}, and no more watchdog pings. */
  public synchronized void stopping() {
    if (stopping) {
      return;
    }
    stopping = true;
    if (thread != null) {
      thread.shutdownNow();
    }
    notifier.send("STOPPING=1\nSTATUS=stopping: restoring original power limits");
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  /** Elapsed time that NTP and the operator cannot move: the watchdog judges ages with it. */
  private static final class MonotonicClock extends Clock {

    private final long originNanos = System.nanoTime();
    private final Instant origin = Instant.EPOCH;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a monotonic clock has no zone");
    }

    @Override
    public Instant instant() {
      return origin.plusNanos(System.nanoTime() - originNanos);
    }
  }
}
