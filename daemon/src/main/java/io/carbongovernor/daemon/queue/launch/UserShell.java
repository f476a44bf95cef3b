package io.carbongovernor.daemon.queue.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The part of a launch that runs as the submitter, in two fixed shell scripts. The first, still
 * with the launcher's fixed PATH as its only variable, enters the workdir and opens the log (both
 * as the submitter, so only what the submitter may do succeeds). Then {@code env -i} sets the job's
 * environment and the second puts PWD and OLDPWD right and execs the command, whose arguments stay
 * "$@" and are never parsed by a shell. Nothing of the job's environment (an LD_PRELOAD, say) is
 * in a process before the log is open. Each exec keeps the pid: the process the launcher started
 * becomes the command.
 */
final class UserShell {

  /** The setpriv launcher's sign, on the daemon's pipe, that the log is open and the command comes next. */
  static final String STARTED = "carbon-governor: job started";

  static final String NAME = "carbon-governor-job";

  // $1: the workdir, $2: the log, then env -i and the rest.
  private static final String ENTER = "umask 022\ncd -- \"$1\" || exit 126\n";

  /** Opens the log; says {@link #STARTED} on fd 3 (the daemon's pipe), which it then closes. */
  private static final String LOG_THEN_SAY_STARTED = ENTER
      + "exec 3>&1 >>\"$2\" 2>&1 || exit 126\n"
      + "printf '%s\\n' '" + STARTED + "' >&3\n"
      + "exec 3>&-\n"
      + "shift 2\nexec \"$@\"\n";

  /** An empty $2 leaves stdout and stderr where they are (systemd's journal). */
  private static final String LOG_IF_GIVEN = ENTER
      + "if [ -n \"$2\" ]; then exec >>\"$2\" 2>&1 || exit 126; fi\n"
      + "shift 2\nexec \"$@\"\n";

  // dash exports PWD at startup: PWD and OLDPWD are set back to what the job's environment says
  // ($1 and $2: empty when it has none, else "=" and the value).
  private static final String KEEP_ENVIRONMENT = "unset PWD OLDPWD\n"
      + "[ -z \"$1\" ] || export \"PWD=${1#=}\"\n"
      + "[ -z \"$2\" ] || export \"OLDPWD=${2#=}\"\n"
      + "shift 2\nexec \"$@\"\n";

  private UserShell() {}

  /** The argv that enters the workdir, appends to {@code log}, says it started, and runs the command. */
  static List<String> sayingStarted(LaunchSpec spec, Path log) {
    return argv(spec, LOG_THEN_SAY_STARTED, log.toString());
  }

  /** The argv that enters the workdir, appends to the log if there is one, and runs the command. */
  static List<String> quiet(LaunchSpec spec, Optional<Path> log) {
    return argv(spec, LOG_IF_GIVEN, log.map(Path::toString).orElse(""));
  }

  private static List<String> argv(LaunchSpec spec, String script, String log) {
    Map<String, String> environment = new TreeMap<>(spec.environment());
    List<String> argv = new ArrayList<>(List.of(RootProcess.SH, "-c", script, NAME, spec.workdir().toString(), log,
        RootProcess.ENV, "-i", "--"));
    environment.forEach((name, value) -> argv.add(name + "=" + value));
    argv.addAll(List.of(RootProcess.SH, "-c", KEEP_ENVIRONMENT, NAME,
        kept(environment, "PWD"), kept(environment, "OLDPWD")));
    argv.addAll(spec.command());
    return argv;
  }

  private static String kept(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null ? "" : "=" + value;
  }
}
