package io.carbongovernor.daemon.queue.launch;

import io.carbongovernor.gpu.AccountNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts a job as a child of the daemon: the marker shell, then {@code setsid} (its own session, out
 * of reach of signals to the daemon's process group), then {@code setpriv} to the submitter's uid,
 * primary gid and supplementary groups with no capabilities to inherit, then {@link UserShell}. Up
 * to setpriv, root runs with the daemon's fixed PATH only; the job's environment first exists in
 * the submitter's processes.
 */
final class SetprivLauncher implements JobLauncher {

  private final Path setsid;
  private final Path setpriv;
  private final LaunchMarkers markers;
  private final AccountNames accounts;
  private final Duration startLimit;
  /** The daemon's own uid: a daemon that is not root starts only its own user's jobs, without setpriv. */
  private final long self;

  SetprivLauncher(Path setsid, Path setpriv, LaunchMarkers markers, AccountNames accounts, Duration startLimit,
      long self) {
    this.setsid = setsid;
    this.setpriv = setpriv;
    this.markers = markers;
    this.accounts = accounts;
    this.startLimit = startLimit;
    this.self = self;
  }

  @Override
  public Launched launch(LaunchSpec spec) throws LaunchException {
    LaunchChecks.check(spec);
    String id = spec.jobId();
    if (markers.exists(id)) {
      throw markers.failure(id, LaunchMarkers.MARKER_REFUSED, "");
    }
    Submitter who = Submitter.of(id, spec.uid(), accounts);
    Path log = spec.log().orElse(defaultLog(spec));
    Process process = RootProcess.start(id, argv(spec, who, log));
    String output = RootProcess.output(id, process, startLimit);
    if (output.endsWith(UserShell.STARTED + "\n")) {
      return new Launched(OptionalLong.of(process.pid()), Optional.empty(),
          Optional.of(process.onExit().thenApply(Process::exitValue)));
    }
    throw markers.failure(id, RootProcess.exit(id, process, startLimit), output);
  }

  List<String> argv(LaunchSpec spec, Submitter who, Path log) throws LaunchException {
    List<String> argv = new ArrayList<>(markers.guard(spec.jobId()));
    argv.add(setsid.toString());
    if (self == 0) {
      argv.addAll(List.of(setpriv.toString(),
          "--reuid=" + who.uid(), "--regid=" + who.gid(), "--init-groups", "--inh-caps=-all", "--"));
    } else if (who.uid() != self) {
      // Without root, the kernel lets no process change its uid or groups.
      throw new LaunchException("job " + spec.jobId() + ": the daemon runs as uid " + self
          + ", not root, and can start jobs only as that user, not as uid " + who.uid() + " (" + who.name() + ")");
    }
    argv.addAll(UserShell.sayingStarted(spec, log));
    return argv;
  }

  static Path defaultLog(LaunchSpec spec) {
    return spec.workdir().resolve("carbon-governor-" + spec.jobId() + ".log");
  }

  @Override
  public boolean wasLaunched(String jobId) {
    return markers.exists(jobId);
  }

  @Override
  public String kind() {
    return "setpriv";
  }
}
