package io.carbongovernor.daemon.queue.launch;

import io.carbongovernor.gpu.AccountNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts a job as a transient systemd service, {@code carbon-governor-job-<id>.service}, with the
 * submitter's uid and primary gid (systemd adds the user's supplementary groups), behind the same
 * marker shell; the unit then runs {@link UserShell}. The job outlives the daemon and its output
 * goes to the unit's journal unless it has a log.
 */
final class SystemdRunLauncher implements JobLauncher {

  private final Path systemdRun;
  private final Path systemctl;
  private final LaunchMarkers markers;
  private final AccountNames accounts;
  private final Duration startLimit;

  SystemdRunLauncher(Path systemdRun, Path systemctl, LaunchMarkers markers, AccountNames accounts, Duration startLimit) {
    this.systemdRun = systemdRun;
    this.systemctl = systemctl;
    this.markers = markers;
    this.accounts = accounts;
    this.startLimit = startLimit;
  }

  static String unit(String jobId) {
    return "carbon-governor-job-" + jobId + ".service";
  }

  @Override
  public Launched launch(LaunchSpec spec) throws LaunchException {
    LaunchChecks.check(spec);
    String id = spec.jobId();
    if (markers.exists(id)) {
      throw markers.failure(id, LaunchMarkers.MARKER_REFUSED, "");
    }
    Submitter who = Submitter.of(id, spec.uid(), accounts);
    Process run = RootProcess.start(id, argv(spec, who));
    String output = RootProcess.output(id, run, startLimit);
    int exit = RootProcess.exit(id, run, startLimit);
    if (exit != 0) {
      throw markers.failure(id, exit, output);
    }
    return new Launched(mainPid(id), Optional.of(unit(id)), Optional.empty());
  }

  List<String> argv(LaunchSpec spec, Submitter who) {
    List<String> argv = new ArrayList<>(markers.guard(spec.jobId()));
    argv.addAll(List.of(systemdRun.toString(),
        "--unit=" + unit(spec.jobId()),
        "--uid=" + who.uid(),
        "--gid=" + who.gid(),
        "--collect",
        "--quiet",
        "--description=carbon-governor job " + spec.jobId() + ": " + LaunchChecks.printable(spec.name()),
        "--"));
    for (String argument : UserShell.quiet(spec, spec.log())) {
      argv.add(literal(argument));
    }
    return argv;
  }

  /**
   * The service manager expands $NAME and ${NAME} in a transient unit's command line as in
   * ExecStart= (before systemd 254 always, since then by default); "$$" is its literal "$".
   */
  static String literal(String argument) {
    return argument.replace("$", "$$");
  }

  /** The unit's main process, the command itself; empty when the unit already ended. */
  private OptionalLong mainPid(String id) throws LaunchException {
    Process show = RootProcess.start(id,
        List.of(systemctl.toString(), "show", "--property=MainPID", "--value", unit(id)));
    String output = RootProcess.output(id, show, startLimit).strip();
    RootProcess.exit(id, show, startLimit);
    try {
      long pid = Long.parseLong(output);
      return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public boolean wasLaunched(String jobId) {
    return markers.exists(jobId);
  }

  @Override
  public String kind() {
    return "systemd-run";
  }
}
