package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request of a queue command to the daemon over its Unix socket. The daemon's answer, or
 * why there is none, goes to standard error in the command's name; the caller exits 1 then.
 */
final class QueueCall {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String command;
  private final DaemonSocketOptions where;
  private final PrintWriter err;

  QueueCall(String command, DaemonSocketOptions where, PrintWriter err) {
    this.command = command;
    this.where = where;
    this.err = err;
  }

  /** The daemon's JSON on success; else the exit code, after the reason went to standard error. */
  record Reply(int exitCode, Optional<JsonNode> json) {
    static Reply failed(int exitCode) {
      return new Reply(exitCode, Optional.empty());
    }
  }

  /**
   * @param ok the status that means success (200, 201)
   */
  /** Whether {@code --format} asks for JSON (else text); anything else is a usage error. */
  static boolean json(String format, CommandLine.Model.CommandSpec spec) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "json" -> true;
      case "text" -> false;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
    };
  }

  Reply send(String method, String path, Optional<String> body, int ok) {
    Path socket;
    try {
      socket = where.socket();
    } catch (InvalidConfigException e) {
      return Reply.failed(InvalidConfigReport.print(err, where.config, e, "cannot find the daemon's socket"));
    }
    UnixSocketRequest.Answer answer;
    try {
      answer = UnixSocketRequest.send(socket, method, path, body, TIMEOUT);
    } catch (IOException e) {
      err.printf("carbon-governor %s: no daemon answers at unix:%s: %s%n", command, socket,
          StatusCommand.socketReason(socket, e));
      err.printf("Start it with 'systemctl start carbon-governor'; a daemon that listens elsewhere is found with"
          + " --config FILE or --socket PATH.%n");
      err.flush();
      return Reply.failed(ExitCodes.RUNTIME_FAILURE);
    }
    JsonNode json;
    try {
      json = JSON.readTree(answer.body());
    } catch (JacksonException e) {
      err.printf("carbon-governor %s: the daemon answered %d, not JSON: %s%n", command, answer.status(),
          answer.body().substring(0, Math.min(200, answer.body().length())));
      err.flush();
      return Reply.failed(ExitCodes.RUNTIME_FAILURE);
    }
    if (answer.status() != ok) {
      JsonNode reason = json.get("error");
      err.printf("carbon-governor %s: the daemon refused (%d): %s%n", command, answer.status(),
          reason != null && reason.isString() ? reason.stringValue() : answer.body());
      err.flush();
      return Reply.failed(ExitCodes.RUNTIME_FAILURE);
    }
    return new Reply(ExitCodes.OK, Optional.of(json));
  }
}
