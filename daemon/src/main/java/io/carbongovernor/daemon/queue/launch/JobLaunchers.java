package io.carbongovernor.daemon.queue.launch;

import com.sun.security.auth.module.UnixSystem;
import io.carbongovernor.daemon.config.QueueConfig;
import io.carbongovernor.gpu.AccountNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/** The job launchers, by the config's {@code queue.launcher}. */
public final class JobLaunchers {

  public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  public static final Path SETSID = Path.of("/usr/bin/setsid");
  public static final Path SYSTEMD_RUN = Path.of("/usr/bin/systemd-run");
  public static final Path SYSTEMCTL = Path.of("/usr/bin/systemctl");

  /** Exists where systemd runs the host (what sd_booted(3) checks). */
  static final Path SYSTEMD_RUNTIME = Path.of("/run/systemd/system");

  /** How long a launcher may take to start a job (systemd-run waits on the service manager). */
  static final Duration START_LIMIT = Duration.ofMinutes(2);

  private JobLaunchers() {}

  /**
   * The launcher {@code kind} names, the standard tools' paths, markers in {@code markerDir}
   * (created 0700 if missing). AUTO: systemd-run where systemd runs the host, else setpriv.
   *
   * @throws IOException when the marker directory is unsafe or cannot be made
   */
  public static JobLauncher of(QueueConfig.Launcher kind, Path markerDir, AccountNames accounts) throws IOException {
    return of(kind, markerDir, accounts, SYSTEMD_RUNTIME);
  }

  static JobLauncher of(QueueConfig.Launcher kind, Path markerDir, AccountNames accounts, Path systemdRuntime)
      throws IOException {
    boolean systemd = switch (kind) {
      case AUTO -> systemdRuns(systemdRuntime);
      case SYSTEMD_RUN -> true;
      case SETPRIV -> false;
    };
    return systemd
        ? systemdRun(SYSTEMD_RUN, SYSTEMCTL, markerDir, accounts)
        : setpriv(SETSID, SETPRIV, markerDir, accounts);
  }

  /** Whether systemd runs the host: its runtime directory is a directory. */
  static boolean systemdRuns(Path systemdRuntime) {
    return Files.isDirectory(systemdRuntime, LinkOption.NOFOLLOW_LINKS);
  }

  /** Jobs as children of the daemon, through {@code setsid} and {@code setpriv} at these paths. */
  public static JobLauncher setpriv(Path setsid, Path setpriv, Path markerDir, AccountNames accounts)
      throws IOException {
    return setpriv(setsid, setpriv, markerDir, accounts, new UnixSystem().getUid());
  }

  /** As {@link #setpriv(Path, Path, Path, AccountNames)} for a daemon running as uid {@code self}. */
  static JobLauncher setpriv(Path setsid, Path setpriv, Path markerDir, AccountNames accounts, long self)
      throws IOException {
    return new SetprivLauncher(setsid, setpriv, LaunchMarkers.in(markerDir), accounts, START_LIMIT, self);
  }

  /** Jobs as transient systemd services, through {@code systemd-run} and {@code systemctl} at these paths. */
  public static JobLauncher systemdRun(Path systemdRun, Path systemctl, Path markerDir, AccountNames accounts)
      throws IOException {
    return new SystemdRunLauncher(systemdRun, systemctl, LaunchMarkers.in(markerDir), accounts, START_LIMIT);
  }
}
