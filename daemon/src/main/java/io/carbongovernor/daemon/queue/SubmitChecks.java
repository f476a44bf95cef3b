package io.carbongovernor.daemon.queue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a submitted request may hold: each rule a 400 with what is wrong. */
final class SubmitChecks {

  /** As the job API's names. */
  static final Pattern NAME = io.carbongovernor.daemon.jobs.JobRegistry.NAME;
  static final int MAX_ARGS = 1024;
  static final int MAX_COMMAND_BYTES = 64 * 1024;
  static final int MAX_VARIABLES = 256;
  static final int MAX_ENVIRONMENT_BYTES = 64 * 1024;
  static final int MAX_PATH_BYTES = 4096;
  /** The longest expected run taken. */
  static final Duration MAX_EXPECTED = Duration.ofDays(30);
  static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  /** What the daemon sets for every job; a request may not set them. */
  static final Set<String> DAEMON_SET =
      Set.of("HOME", "USER", "LOGNAME", "SHELL", "CUDA_VISIBLE_DEVICES", "CARBON_GOVERNOR_JOB_ID");

  private SubmitChecks() {}

  static void check(SubmitRequest r) {
    if (!NAME.matcher(r.name()).matches()) {
      throw bad("name must be 1-128 characters of letters, digits and ._:/- starting with a letter or digit");
    }
    if (r.command().isEmpty() || r.command().size() > MAX_ARGS) {
      throw bad("the command must have 1 to " + MAX_ARGS + " arguments, got " + r.command().size());
    }
    long bytes = 0;
    for (String arg : r.command()) {
      if (arg.indexOf('\0') >= 0) {
        throw bad("a command argument holds a NUL character");
      }
      bytes += arg.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    if (r.command().get(0).isEmpty()) {
      throw bad("the command's program is empty");
    }
    if (bytes > MAX_COMMAND_BYTES) {
      throw bad("the command is " + bytes + " bytes; at most " + MAX_COMMAND_BYTES + " are taken");
    }
    path("workdir", r.workdir());
    r.log().ifPresent(p -> path("log", p));
    environment(r.environment());
    r.expected().ifPresent(e -> {
      if (e.isNegative() || e.isZero() || e.compareTo(MAX_EXPECTED) > 0) {
        throw bad("--expected must be above 0 and at most 30d, got " + e);
      }
    });
  }

  private static void path(String what, Path p) {
    String s = p.toString();
    if (!p.isAbsolute() || s.indexOf('\0') >= 0 || s.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw bad(what + " must be an absolute path of at most " + MAX_PATH_BYTES + " bytes, got '" + s + "'");
    }
  }

  private static void environment(Map<String, String> env) {
    if (env.size() > MAX_VARIABLES) {
      throw bad("at most " + MAX_VARIABLES + " environment variables are taken, got " + env.size());
    }
    long bytes = 0;
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!VARIABLE.matcher(e.getKey()).matches()) {
        throw bad("environment variable name '" + e.getKey() + "' is not a name (letters, digits and _, up to 128)");
      }
      if (DAEMON_SET.contains(e.getKey())) {
        throw bad("environment variable " + e.getKey() + " is set by the daemon; it cannot be given");
      }
      if (e.getValue().indexOf('\0') >= 0) {
        throw bad("environment variable " + e.getKey() + " holds a NUL character");
      }
      bytes += e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length + 2;
    }
    if (bytes > MAX_ENVIRONMENT_BYTES) {
      throw bad("the environment is " + bytes + " bytes; at most " + MAX_ENVIRONMENT_BYTES + " are taken");
    }
  }

  private static QueueException bad(String why) {
    return new QueueException(400, why);
  }
}
