package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ApiConfig;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the running daemon what it last saw and did, through its local API: over its Unix socket
 * (from {@code --config}, or the default), or over loopback TCP with {@code --api}.
 */
@Command(
    name = "status",
    description = {
      "Show what the running daemon last decided, GPU by GPU.",
      "Asks the daemon over its Unix socket (--socket, else the api.socket of --config, else"
          + " /run/carbon-governor/api.sock) or, with --api, over loopback TCP."
    })
final class StatusCommand implements Callable<Integer> {

  enum Format {
    TEXT,
    JSON
  }

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "governor.yaml, to find the API (default: the socket /run/carbon-governor/api.sock)")
  Path config;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description = "the daemon's Unix socket; overrides --config")
  Path socket;

  @Option(
      names = "--api",
      paramLabel = "HOST:PORT",
      description = "the daemon's loopback TCP address instead of its socket; overrides --config")
  String apiAddress;

  @Option(names = "--format", defaultValue = "text", description = "text or json")
  String format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Format f;
    try {
      f = Format.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
    }
    if (socket != null && apiAddress != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --socket or --api, not both");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ApiConfig api = new ApiConfig("127.0.0.1", 9464);
    if (config != null) {
      try {
        api = ConfigLoader.load(config, FileChecks.SKIP).api();
      } catch (InvalidConfigException e) {
        return InvalidConfigReport.print(err, config, e, "cannot find the API");
      }
    }
    Path path = socket != null ? socket : api.socket();
    URI uri = apiAddress != null ? tcp(apiAddress) : null;
    String where = uri != null ? uri.toString() : "unix:" + path;
    String body;
    try {
      if (uri != null) {
        HttpResponse<String> r =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                .send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        body = answered(r.statusCode(), r.body(), where, err);
      } else {
        UnixSocketRequest.Answer r = UnixSocketRequest.get(path, "/v1/status", TIMEOUT);
        body = answered(r.status(), r.body(), where, err);
      }
    } catch (IOException e) {
      err.printf("carbon-governor status: no daemon answers at %s: %s%n", where,
          uri != null ? tcpReason(e) : socketReason(path, e));
      err.printf("Start it with 'systemctl start carbon-governor' (or 'carbon-governor run --config FILE');"
          + " a daemon that runs elsewhere is found with --config FILE, --socket PATH or --api HOST:PORT.%n");
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    if (body == null) {
      return ExitCodes.RUNTIME_FAILURE;
    }
    if (f == Format.JSON) {
      out.println(body);
    } else {
      printText(JsonMapper.builder().build().readTree(body), out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Why nothing answered over TCP; the JDK's exceptions often carry no message. */
  private static String tcpReason(IOException e) {
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof ConnectException) {
      return "connection refused (nothing listens there)";
    }
    return describe(e);
  }

  /** Why nothing answered at a Unix socket, from what is at its path. */
  static String socketReason(Path socket, IOException e) {
    if (Files.notExists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return "the socket does not exist (the daemon is not running, or listens at another path)";
    }
    if (Files.isDirectory(socket)) {
      return "it is a directory, not a socket";
    }
    if (Files.isRegularFile(socket)) {
      return "it is a regular file, not a socket";
    }
    String message = describe(e);
    if (message.toLowerCase(Locale.ROOT).contains("connection refused")) {
      return "connection refused (a socket left by a daemon that no longer runs)";
    }
    if (message.toLowerCase(Locale.ROOT).contains("permission denied")) {
      return "permission denied (run as a user who may open the socket)";
    }
    return message;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  private URI tcp(String address) {
    try {
      return new URI("http://" + address + "/v1/status");
    } catch (URISyntaxException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--api must be HOST:PORT, got " + address);
    }
  }

  /** The body of a 200; otherwise null, after saying what the daemon answered. */
  private static String answered(int status, String body, String where, PrintWriter err) {
    if (status == 200) {
      return body;
    }
    err.printf("carbon-governor status: %s answered %d: %s%n", where, status, body);
    err.flush();
    return null;
  }

  /** One line on the queue: off, not available (why), or its jobs by state and its launcher. */
  private static void printQueue(JsonNode q, PrintWriter out) {
    if (q.isMissingNode()) {
      return;
    }
    if (q.isNull()) {
      out.println("queue off");
    } else if (q.has("error") && q.get("launcher").isNull()) {
      out.printf("queue not available: %s%n", q.get("error").stringValue());
    } else {
      out.printf("queue: %d queued, %d starting, %d started (launcher %s%s)%n", q.path("queued").longValue(),
          q.path("starting").longValue(), q.path("started").longValue(), q.get("launcher").stringValue(),
          q.path("enabled").booleanValue() ? "" : "; taking no new jobs");
    }
  }

  private static void printText(JsonNode s, PrintWriter out) {
    out.printf("zone %s, mode %s, default policy %s, every %ds, %d job(s)%n",
        s.get("zone").stringValue(), s.get("mode").stringValue(), s.get("default_policy").stringValue(),
        s.get("interval_s").longValue(), s.get("jobs").intValue());
    printQueue(s.path("queue"), out);
    if (s.get("last_tick").isNull()) {
      out.println("no tick completed yet");
      return;
    }
    JsonNode signal = s.get("signal");
    out.printf("last tick %s; signal %s%n", s.get("last_tick").stringValue(),
        signal == null || signal.isNull()
            ? "none"
            : String.format(Locale.ROOT, "%.1f gCO2eq/kWh (%s, %s)", signal.get("intensity_g_per_kwh").doubleValue(),
                signal.get("kind").stringValue(), signal.get("source").stringValue()));
    for (JsonNode src : s.path("sources")) {
      out.printf("source %s: %s%s%n", src.get("source").stringValue(),
          src.get("healthy").booleanValue() ? "ok" : src.get("consecutive_failures").intValue() + " failure(s) in a row",
          src.has("last_error") && !src.get("healthy").booleanValue() ? " (" + src.get("last_error").stringValue() + ")" : "");
    }
    if (!s.get("fail_safe").isNull()) {
      out.printf("FAIL-SAFE: %s%n", s.get("fail_safe").stringValue());
    }
    // LIMIT_NOW_W: the limit set now; ORIGINAL_W: the one the daemon found, which a restore returns
    // to (gpus shows the driver's default besides, which may differ).
    out.printf("%-4s %-40s %11s %10s %-17s %s%n", "GPU", "UUID", "LIMIT_NOW_W", "ORIGINAL_W", "OUTCOME", "REASON");
    for (JsonNode g : s.get("gpus")) {
      out.printf(Locale.ROOT, "%-4d %-40s %11s %10.0f %-17s %s%n", g.get("index").intValue(), g.get("uuid").stringValue(),
          g.has("limit_w") ? String.format(Locale.ROOT, "%.0f", g.get("limit_w").doubleValue()) : "?",
          g.get("original_limit_w").doubleValue(), g.get("outcome").stringValue(), g.get("reason").stringValue());
    }
  }
}
