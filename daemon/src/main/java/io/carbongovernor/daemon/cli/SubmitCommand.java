package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hands a deferrable job to the daemon, which starts it as the caller at the cleanest time that
 * still meets its deadline. Who the caller is, the daemon asks the kernel.
 */
@Command(
    name = "submit",
    sortOptions = false,
    description = {
      "Hand a job to the daemon, which starts it as you at the cleanest time that still meets --deadline.",
      "The daemon keeps the job across restarts, re-plans its start from the forecast and the history at every"
          + " check, and starts it once, with your uid and groups, in --workdir, without a shell.",
      "Prints the job's id, its planned start and its latest start, in local time."
    })
final class SubmitCommand implements Callable<Integer> {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

  @Option(names = "--name", paramLabel = "NAME",
      description = "the job's name; earlier runs of the same name give its expected duration (default: the program's"
          + " file name)")
  String name;

  @Option(names = "--team", paramLabel = "TEAM", description = "the team to submit as (default: yours)")
  String team;

  @Option(names = "--deadline", paramLabel = "DURATION|TIME",
      description = "when it must be done: a duration from now (18h) or a time (2026-12-08T06:00 local, or"
          + " 2026-12-08T05:00:00Z); default: your team's default-deferral")
  String deadline;

  @Option(names = "--expected", paramLabel = "DURATION",
      description = "how long it runs at full speed (6h, 1h30m); default: learned from earlier runs of --name")
  String expected;

  @Option(names = "--gpus", paramLabel = "INDEX,...|UUID,...|COUNT",
      description = "the GPUs it gets: indices (0,1; one index: 3,), UUIDs, or a count (2: any two, the least"
          + " busy); default: none (CUDA_VISIBLE_DEVICES empty)")
  String gpus;

  @Option(names = "--workdir", paramLabel = "DIR", description = "where it starts (default: the current directory)")
  Path workdir;

  @Option(names = "--log", paramLabel = "FILE",
      description = "where its output goes, opened as you (default: the unit's journal under systemd, else"
          + " WORKDIR/carbon-governor-ID.log)")
  Path log;

  @Option(names = "--env", paramLabel = "NAME[=VALUE]",
      description = "a variable the job gets: NAME copies yours, NAME=VALUE sets it; repeatable. The job gets no"
          + " other variable of yours.")
  List<String> env = new ArrayList<>();

  @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json: the job as the API"
      + " answers it")
  String format = "text";

  @Mixin DaemonSocketOptions daemon;

  @Parameters(paramLabel = "COMMAND", arity = "1..*",
      description = "after --: the program and its arguments, run without a shell")
  List<String> command;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;
  private final UnaryOperator<String> environment;

  SubmitCommand() {
    this(Clock.systemUTC());
  }

  SubmitCommand(Clock clock) {
    this(clock, System::getenv);
  }

  SubmitCommand(Clock clock, UnaryOperator<String> environment) {
    this.clock = clock;
    this.environment = environment;
  }

  @Override
  public Integer call() {
    boolean json = switch (format.toLowerCase(Locale.ROOT)) {
      case "json" -> true;
      case "text" -> false;
      default -> throw usage("--format must be text or json, got '" + format + "'");
    };
    String body = QueueCall.JSON.writeValueAsString(request(clock.instant(), ZoneId.systemDefault()));
    QueueCall.Reply reply =
        new QueueCall("submit", daemon, spec.commandLine().getErr()).send("POST", "/v1/queue", Optional.of(body), 201);
    if (reply.json().isEmpty()) {
      return reply.exitCode();
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(reply.json().get());
    } else {
      printText(reply.json().get(), out, ZoneId.systemDefault());
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The body of {@code POST /v1/queue}, from the options; a bad option is a usage error. */
  ObjectNode request(Instant now, ZoneId zone) {
    ObjectNode body = QueueCall.JSON.createObjectNode();
    body.put("name", name != null ? name : defaultName(command.get(0)));
    if (team != null) {
      body.put("team", team);
    }
    if (deadline != null) {
      try {
        body.put("deadline", DeadlineOption.parse(deadline, now, zone).toString());
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
    if (expected != null) {
      body.put("expected", expected().toSeconds());
    }
    if (gpus != null) {
      body.set("gpus", gpus(gpus));
    }
    body.put("workdir", absolute("--workdir", workdir != null ? workdir : Path.of("")).toString());
    if (log != null) {
      body.put("log", absolute("--log", log).toString());
    }
    ArrayNode args = body.putArray("command");
    command.forEach(args::add);
    ObjectNode variables = body.putObject("env");
    for (Map.Entry<String, String> v : environment().entrySet()) {
      variables.put(v.getKey(), v.getValue());
    }
    return body;
  }

  private Duration expected() {
    Duration d;
    try {
      d = Durations.parse(expected);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw usage("--expected: " + e.getMessage());
    }
    if (d.toSeconds() < 1) {
      throw usage("--expected must be at least 1s, got " + expected);
    }
    return d;
  }

  /** The program's file name, as a name for a job given none. */
  private static String defaultName(String program) {
    String base = program.substring(program.lastIndexOf('/') + 1);
    return base.isBlank() ? program : base;
  }

  private ObjectNode gpus(String text) {
    ObjectNode out = QueueCall.JSON.createObjectNode();
    String s = text.strip();
    if (DIGITS.matcher(s).matches()) {
      out.put("count", Integer.parseInt(s));
      return out;
    }
    List<String> refs = Arrays.stream(s.split(",", -1)).map(String::strip).filter(r -> !r.isEmpty()).toList();
    if (refs.isEmpty()) {
      throw usage("--gpus must name GPUs (0,1 or GPU-...) or give a count (2), got '" + text + "'");
    }
    boolean indices = refs.stream().allMatch(r -> DIGITS.matcher(r).matches());
    boolean uuids = refs.stream().noneMatch(r -> r.chars().allMatch(Character::isDigit));
    if (!indices && !uuids) {
      throw usage("--gpus takes indices or UUIDs, not both, got '" + text + "'");
    }
    ArrayNode list = out.putArray(indices ? "indices" : "uuids");
    refs.forEach(r -> {
      if (indices) {
        list.add(Integer.parseInt(r));
      } else {
        list.add(r);
      }
    });
    return out;
  }

  private Path absolute(String option, Path path) {
    try {
      return path.toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw usage(option + " is not a path: " + e.getMessage());
    }
  }

  private Map<String, String> environment() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String e : env) {
      int eq = e.indexOf('=');
      String variable = eq < 0 ? e : e.substring(0, eq);
      if (!ENV_NAME.matcher(variable).matches()) {
        throw usage("--env takes NAME or NAME=VALUE with a variable name (letters, digits, _), got '" + e + "'");
      }
      String value = eq < 0 ? environment.apply(variable) : e.substring(eq + 1);
      if (value == null) {
        throw usage("--env " + variable + ": " + variable + " is not set here; give --env " + variable + "=VALUE");
      }
      if (out.put(variable, value) != null) {
        throw usage("--env " + variable + " is given twice");
      }
    }
    return out;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The id, where the job stands and when it starts, in local time. */
  static void printText(JsonNode job, java.io.PrintWriter out, ZoneId zone) {
    out.printf("%s %s as %s%s%n", job.get("id").stringValue(), job.get("state").stringValue(),
        job.get("user").stringValue(), job.get("team").isNull() ? "" : " (team " + job.get("team").stringValue() + ")");
    JsonNode planned = job.get("planned_start");
    if (planned == null || planned.isNull()) {
      out.println("planned start: at the daemon's next check");
    } else {
      JsonNode change = job.get("expected_change_percent");
      out.printf(Locale.ROOT, "planned start: %s%s%n", local(planned.stringValue(), zone),
          change == null || change.isNull() ? ""
              : String.format(Locale.ROOT, " (%+.1f %% intensity against starting now; %s)", change.doubleValue(),
                  job.get("plan_basis").isNull() ? "no basis" : job.get("plan_basis").stringValue()));
    }
    out.printf("latest start:  %s%n", local(job.get("latest_start").stringValue(), zone));
    out.printf("deadline:      %s%n", local(job.get("deadline").stringValue(), zone));
  }

  static String local(String instant, ZoneId zone) {
    return WhenCommand.LOCAL.format(Instant.parse(instant).atZone(zone));
  }
}
