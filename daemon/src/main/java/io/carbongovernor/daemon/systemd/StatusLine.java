package io.carbongovernor.daemon.systemd;

import io.carbongovernor.daemon.control.TickReport;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The one line {@code systemctl status} shows under the unit (sd_notify's {@code STATUS=}). */
final class StatusLine {

  private StatusLine() {}

  static String starting() {
    return "starting: waiting for the first control tick";
  }

  /** What the last tick did, e.g. {@code controlling 4 GPUs (3 below their original limit), grid 231 g/kWh from electricitymaps}. */
  static String of(Optional<TickReport> last, boolean shadow) {
    if (last.isEmpty()) {
      return starting();
    }
    TickReport report = last.get();
    long below =
        report.gpus().stream()
            .filter(g -> g.limitNow().map(l -> l.isBelow(g.originalLimit())).orElse(false))
            .count();
    StringBuilder line = new StringBuilder();
    report.failSafe().ifPresent(reason -> line.append("fail-safe (").append(reason).append("): "));
    line.append(shadow ? "shadow mode, deciding for " : "controlling ")
        .append(report.gpus().size())
        .append(report.gpus().size() == 1 ? " GPU" : " GPUs");
    if (!shadow) {
      line.append(" (").append(below).append(" below their original limit)");
    }
    report
        .signal()
        .ifPresentOrElse(
            s ->
                line.append(String.format(Locale.ROOT, ", grid %.0f g/kWh from %s", s.intensity().gramsPerKwh(), s.source())),
            () -> line.append(", no grid signal"));
    return line.toString();
  }

  static String stalled(Duration sinceLastTick) {
    return "control loop stalled: no tick completed for " + human(sinceLastTick);
  }

  static String reloaded(boolean applied, String current) {
    return applied
        ? "configuration reloaded; " + current
        : "configuration NOT reloaded (problems in the journal); the policies in force stay; " + current;
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    return s / 3600 + "h " + (s % 3600) / 60 + "m";
  }
}
