package io.carbongovernor.daemon.queue.launch;

import java.util.Map;
import java.util.regex.Pattern;

/** What a launch spec must be before anything of it runs. */
final class LaunchChecks {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private LaunchChecks() {}

  static void check(LaunchSpec spec) throws LaunchException {
    String id = spec.jobId();
    try {
      LaunchMarkers.checkId(id);
    } catch (IllegalArgumentException e) {
      throw new LaunchException(e.getMessage());
    }
    if (spec.command().get(0).isEmpty()) {
      throw new LaunchException("job " + id + ": the program to run is empty");
    }
    for (String argument : spec.command()) {
      if (argument.indexOf('\0') >= 0) {
        throw new LaunchException("job " + id + ": a command argument holds a NUL character");
      }
    }
    if (!spec.workdir().isAbsolute()) {
      throw new LaunchException("job " + id + ": the working directory " + spec.workdir() + " is not an absolute path");
    }
    if (spec.log().isPresent() && !spec.log().get().isAbsolute()) {
      throw new LaunchException("job " + id + ": the log " + spec.log().get() + " is not an absolute path");
    }
    for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
      if (!ENV_NAME.matcher(variable.getKey()).matches()) {
        throw new LaunchException("job " + id + ": environment variable name " + printable(variable.getKey())
            + " is not a name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      if (variable.getValue().indexOf('\0') >= 0) {
        throw new LaunchException("job " + id + ": environment variable " + variable.getKey() + " holds a NUL character");
      }
    }
  }

  /** Text for a message or a description: control characters as '?', at most 200 characters. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(200).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }
}
