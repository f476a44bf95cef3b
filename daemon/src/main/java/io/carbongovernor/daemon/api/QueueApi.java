package io.carbongovernor.daemon.api;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.queue.GpuRequest;
import io.carbongovernor.daemon.queue.JobQueue;
import io.carbongovernor.daemon.queue.QueuedJob;
import io.carbongovernor.daemon.queue.SubmitRequest;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The queue endpoints: {@code POST /v1/queue} submits, {@code GET /v1/queue} lists the caller's
 * jobs (root: all), {@code GET /v1/queue/ID} shows one, {@code DELETE /v1/queue/ID} cancels one.
 * The submitter is the caller the kernel names; nothing in the body can change who a job runs as.
 */
final class QueueApi {

  static final Set<String> SUBMIT_FIELDS =
      Set.of("name", "team", "deadline", "expected", "gpus", "workdir", "log", "command", "env");
  private static final Set<String> GPU_FIELDS = Set.of("indices", "uuids", "count");

  /** The most arguments a command may have; the body's cap bounds their length. */
  static final int MAX_ARGUMENTS = 4096;
  static final int MAX_ENVIRONMENT = 1024;
  static final int MAX_GPUS = 64;
  /** Far beyond any deadline the queue accepts; keeps the arithmetic on instants safe. */
  private static final Duration LONGEST_EXPECTED = Duration.ofDays(366);

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern UUID_REF = Pattern.compile("[A-Za-z0-9-]{1,96}");
  /** What the daemon sets itself: the job cannot be told otherwise. */
  static final Set<String> SET_BY_DAEMON =
      Set.of("HOME", "USER", "LOGNAME", "SHELL", "CUDA_VISIBLE_DEVICES", "CARBON_GOVERNOR_JOB_ID");

  private final Supplier<GovernorConfig> config;
  private final QueueAccess queue;

  QueueApi(Supplier<GovernorConfig> config, QueueAccess queue) {
    this.config = config;
    this.queue = queue;
  }

  ObjectNode submit(long caller, ObjectNode body) {
    JobQueue q = open();
    if (!config.get().queue().enabled()) {
      throw new ApiException(403, "the queue is off on this node (queue.enabled: false); it takes no new jobs");
    }
    return describe(q.submit(caller, request(body)));
  }

  ObjectNode list(long caller) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    ArrayNode jobs = out.putArray("jobs");
    open().list(caller).forEach(j -> jobs.add(describe(j)));
    return out;
  }

  ObjectNode get(long caller, String id) {
    return describe(open().get(caller, id));
  }

  ObjectNode cancel(long caller, String id) {
    return describe(open().cancel(caller, id));
  }

  private JobQueue open() {
    if (queue instanceof QueueAccess.Open open) {
      return open.queue();
    }
    if (queue instanceof QueueAccess.Failed failed) {
      throw new ApiException(503, "the queue is not available: " + failed.reason());
    }
    throw new ApiException(404, "the queue is off on this node (queue.enabled: false when the daemon started)");
  }

  /** The body of a submission as the queue takes it; every field checked, each failure a 400. */
  static SubmitRequest request(ObjectNode body) {
    Fields f = Fields.of(body, SUBMIT_FIELDS);
    String name = text("name", f.string("name"));
    Optional<String> team = f.optionalString("team").map(t -> text("team", t));
    Optional<Instant> deadline = f.optionalString("deadline").map(QueueApi::instant);
    OptionalLong seconds = f.optionalNonNegativeLong("expected");
    if (seconds.isPresent() && (seconds.getAsLong() == 0 || seconds.getAsLong() > LONGEST_EXPECTED.toSeconds())) {
      throw new ApiException(400, "field 'expected' must be whole seconds from 1 to " + LONGEST_EXPECTED.toSeconds());
    }
    Optional<Duration> expected =
        seconds.isPresent() ? Optional.of(Duration.ofSeconds(seconds.getAsLong())) : Optional.empty();
    GpuRequest gpus = f.optionalObject("gpus").map(QueueApi::gpus).orElse(new GpuRequest.None());
    Path workdir = absolute("workdir", f.string("workdir"));
    Optional<Path> log = f.optionalString("log").map(l -> absolute("log", l));
    return new SubmitRequest(name, team, deadline, expected, gpus, workdir, log, command(body.get("command")),
        environment(f.optionalObject("env")));
  }

  /** A string the job's record and the launcher can hold: no NUL, not blank. */
  private static String text(String field, String value) {
    if (value.isBlank() || value.indexOf('\0') >= 0) {
      throw new ApiException(400, "field '" + field + "' must not be blank or hold a NUL character");
    }
    return value;
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "field 'deadline' must be an RFC 3339 time with an offset, like"
          + " 2026-12-08T06:00:00Z or 2026-12-08T07:00:00+01:00");
    }
  }

  private static Path absolute(String field, String text) {
    text(field, text);
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      throw new ApiException(400, "field '" + field + "' is not a path: " + e.getReason());
    }
    if (!path.isAbsolute()) {
      throw new ApiException(400, "field '" + field + "' must be an absolute path, got '" + text + "'");
    }
    return path.normalize();
  }

  /** Exactly one of {@code {"indices": [0, 1]}}, {@code {"uuids": ["GPU-..."]}}, {@code {"count": 2}}. */
  private static GpuRequest gpus(ObjectNode object) {
    Fields g = Fields.of(object, GPU_FIELDS);
    if (object.size() != 1) {
      throw new ApiException(400, "field 'gpus' must hold exactly one of indices, uuids or count");
    }
    if (object.has("count")) {
      long count = g.positiveLong("count");
      if (count > MAX_GPUS) {
        throw new ApiException(400, "field 'count' of 'gpus' must be from 1 to " + MAX_GPUS);
      }
      return new GpuRequest.Count((int) count);
    }
    boolean indices = object.has("indices");
    JsonNode list = object.get(indices ? "indices" : "uuids");
    if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_GPUS) {
      throw new ApiException(400, "field '" + (indices ? "indices" : "uuids") + "' of 'gpus' must be a list of 1 to "
          + MAX_GPUS + (indices ? " GPU indices" : " GPU UUIDs"));
    }
    List<String> refs = new ArrayList<>();
    for (JsonNode item : list) {
      if (indices && item.isIntegralNumber() && item.canConvertToInt() && item.intValue() >= 0) {
        refs.add(Integer.toString(item.intValue()));
      } else if (!indices && item.isString() && UUID_REF.matcher(item.stringValue()).matches()) {
        refs.add(item.stringValue());
      } else {
        throw new ApiException(400, "field '" + (indices ? "indices" : "uuids") + "' of 'gpus' holds "
            + (indices ? "a GPU index (a whole number >= 0)" : "GPU UUIDs like GPU-5a5a...") + " only, got " + item);
      }
    }
    if (refs.stream().distinct().count() != refs.size()) {
      throw new ApiException(400, "field 'gpus' names a GPU twice");
    }
    return new GpuRequest.Named(refs);
  }

  /** The program and its arguments, run without a shell: strings, the first not empty. */
  private static List<String> command(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new ApiException(400, "field 'command' is required");
    }
    if (!node.isArray() || node.isEmpty() || node.size() > MAX_ARGUMENTS) {
      throw new ApiException(400, "field 'command' must be a list of 1 to " + MAX_ARGUMENTS + " strings");
    }
    List<String> command = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isString() || item.stringValue().indexOf('\0') >= 0) {
        throw new ApiException(400, "field 'command' must hold strings without NUL characters, got " + item);
      }
      command.add(item.stringValue());
    }
    if (command.get(0).isBlank()) {
      throw new ApiException(400, "field 'command' must start with a program");
    }
    return command;
  }

  private static Map<String, String> environment(Optional<ObjectNode> env) {
    Map<String, String> out = new LinkedHashMap<>();
    if (env.isEmpty()) {
      return out;
    }
    if (env.get().size() > MAX_ENVIRONMENT) {
      throw new ApiException(400, "field 'env' holds at most " + MAX_ENVIRONMENT + " variables");
    }
    for (Map.Entry<String, JsonNode> e : env.get().properties()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new ApiException(400, "field 'env': '" + e.getKey() + "' is not a variable name (letters, digits and _,"
            + " not starting with a digit)");
      }
      if (SET_BY_DAEMON.contains(e.getKey())) {
        throw new ApiException(400, "field 'env': " + e.getKey() + " is set by the daemon for every job");
      }
      if (!e.getValue().isString() || e.getValue().stringValue().indexOf('\0') >= 0) {
        throw new ApiException(400, "field 'env': the value of " + e.getKey() + " must be a string without NUL");
      }
      out.put(e.getKey(), e.getValue().stringValue());
    }
    return out;
  }

  /** A job as every queue endpoint answers it; {@code null} where a value is not known (yet). */
  static ObjectNode describe(QueuedJob job) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("id", job.id());
    out.put("name", job.name());
    out.put("user", job.user());
    out.put("uid", job.uid());
    putText(out, "team", job.team());
    out.put("state", job.state().word());
    out.put("submitted_at", job.submittedAt().toString());
    out.put("deadline", job.deadline().toString());
    out.put("expected_s", job.expected().toSeconds());
    out.put("expected_learned", job.expectedLearned());
    out.put("latest_start", job.latestStart().toString());
    putText(out, "planned_start", job.plannedStart().map(Instant::toString));
    putText(out, "plan_basis", job.planBasis());
    if (job.expectedChangePercent().isPresent()) {
      out.put("expected_change_percent", job.expectedChangePercent().getAsDouble());
    } else {
      out.putNull("expected_change_percent");
    }
    putText(out, "started_at", job.startedAt().map(Instant::toString));
    out.set("gpus", gpus(job.gpus()));
    ArrayNode given = out.putArray("gpus_given");
    job.gpusGiven().forEach(given::add);
    if (job.pid().isPresent()) {
      out.put("pid", job.pid().getAsLong());
    } else {
      out.putNull("pid");
    }
    putText(out, "unit", job.unit());
    putText(out, "job_id", job.registeredJob());
    putText(out, "ended_at", job.endedAt().map(Instant::toString));
    if (job.exitCode().isPresent()) {
      out.put("exit_code", job.exitCode().getAsInt());
    } else {
      out.putNull("exit_code");
    }
    putText(out, "reason", job.reason());
    out.put("workdir", job.workdir().toString());
    putText(out, "log", job.log().map(Path::toString));
    ArrayNode command = out.putArray("command");
    job.command().forEach(command::add);
    return out;
  }

  /** As submitted: {@code {"indices": [...]}}, {@code {"uuids": [...]}}, {@code {"count": n}}, or null. */
  private static JsonNode gpus(GpuRequest request) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    if (request instanceof GpuRequest.Count c) {
      out.put("count", c.count());
      return out;
    }
    if (!(request instanceof GpuRequest.Named n)) {
      return Exchange.JSON.nullNode();
    }
    boolean indices = n.refs().stream().allMatch(r -> r.length() <= 9 && r.chars().allMatch(Character::isDigit));
    ArrayNode refs = out.putArray(indices ? "indices" : "uuids");
    for (String r : n.refs()) {
      if (indices) {
        refs.add(Integer.parseInt(r));
      } else {
        refs.add(r);
      }
    }
    return out;
  }

  private static void putText(ObjectNode out, String field, Optional<String> value) {
    if (value.isPresent()) {
      out.put(field, value.get());
    } else {
      out.putNull(field);
    }
  }
}
