package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code submit}, {@code queue} and {@code cancel}: the request each sends (options into the API's
 * JSON), what each prints of the daemon's answer, and the exit codes: 0, 1 when the daemon
 * refuses or none answers (with its reason), 2 for a bad command line.
 */
class SubmitCommandTest {

  private static final Instant NOW = Instant.parse("2026-12-07T16:00:00Z");
  private static final Map<String, String> CALLERS_ENV = Map.of("WANDB_MODE", "offline", "PATH", "/usr/bin");

  @TempDir Path dir;

  /** The body {@code submit ARGS} would send, from the command line alone. */
  private static JsonNode body(String... args) {
    SubmitCommand submit = new SubmitCommand(Clock.fixed(NOW, ZoneOffset.UTC), CALLERS_ENV::get);
    new CommandLine(submit).parseArgs(args);
    return submit.request(NOW, ZoneId.of("Europe/Berlin"));
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine(Clock.fixed(NOW, ZoneOffset.UTC));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void everyOptionBecomesItsField() {
    JsonNode body = body("--name", "train", "--team", "vision", "--deadline", "18h", "--expected", "6h",
        "--gpus", "0,1", "--workdir", "/srv/exp/../run", "--log", "/srv/run/out.log",
        "--env", "WANDB_MODE", "--env", "SEED=7", "--", "python3", "train.py", "--epochs", "3");
    assertThat(body.toString()).isEqualTo("{\"name\":\"train\",\"team\":\"vision\",\"deadline\":\"2026-12-08T10:00:00Z\","
        + "\"expected\":21600,\"gpus\":{\"indices\":[0,1]},\"workdir\":\"/srv/run\",\"log\":\"/srv/run/out.log\","
        + "\"command\":[\"python3\",\"train.py\",\"--epochs\",\"3\"],\"env\":{\"WANDB_MODE\":\"offline\",\"SEED\":\"7\"}}");
  }

  @Test
  void theDefaults() {
    JsonNode body = body("--", "/opt/tools/train.sh");
    assertThat(body.get("name").stringValue()).isEqualTo("train.sh");
    assertThat(body.has("deadline")).isFalse();
    assertThat(body.has("gpus")).isFalse();
    assertThat(body.get("workdir").stringValue()).isEqualTo(Path.of("").toAbsolutePath().toString());
    assertThat(body.get("env").isEmpty()).isTrue();
  }

  @Test
  void aLocalDeadlineIsInTheMachinesZoneAndARelativeLogBecomesAbsolute() {
    JsonNode body = body("--deadline", "2026-12-08T06:00", "--log", "out/train.log", "--", "true");
    assertThat(body.get("deadline").stringValue()).isEqualTo("2026-12-08T05:00:00Z");
    assertThat(body.get("log").stringValue()).isEqualTo(Path.of("out/train.log").toAbsolutePath().toString());
    assertThat(body("--deadline", "2026-12-08T05:00:00Z", "--", "true").get("deadline").stringValue())
        .isEqualTo("2026-12-08T05:00:00Z");
  }

  @Test
  void gpusByIndexUuidOrCount() {
    assertThat(body("--gpus", "2", "--", "true").get("gpus").toString()).isEqualTo("{\"count\":2}");
    assertThat(body("--gpus", "3,", "--", "true").get("gpus").toString()).isEqualTo("{\"indices\":[3]}");
    assertThat(body("--gpus", "GPU-a,GPU-b", "--", "true").get("gpus").toString())
        .isEqualTo("{\"uuids\":[\"GPU-a\",\"GPU-b\"]}");
  }

  @Test
  void aBadCommandLineExitsTwoAndSaysWhy() {
    Path socket = dir.resolve("api.sock");
    for (String[] args : new String[][] {
        {"submit", "--socket", socket.toString(), "--deadline", "18h"},
        {"submit", "--socket", socket.toString(), "--deadline", "2026-13-45", "--", "true"},
        {"submit", "--socket", socket.toString(), "--expected", "6", "--", "true"},
        {"submit", "--socket", socket.toString(), "--gpus", "0,GPU-a", "--", "true"},
        {"submit", "--socket", socket.toString(), "--env", "NOT_SET_HERE_AT_ALL", "--", "true"},
        {"submit", "--socket", socket.toString(), "--env", "A-B=1", "--", "true"},
        {"submit", "--socket", socket.toString(), "--format", "yaml", "--", "true"},
        {"cancel", "--socket", socket.toString()},
        {"cancel", "--socket", socket.toString(), "../../v1/status"},
        {"queue", "--socket", socket.toString(), "a/b"}}) {
      Run run = run(args);
      assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isEqualTo(2);
      assertThat(run.err()).isNotBlank();
    }
    assertThat(run("submit", "--socket", socket.toString(), "--deadline", "2026-13-45", "--", "true").err())
        .contains("--deadline must be a duration (24h) or a time");
    assertThat(run("submit", "--socket", socket.toString(), "--env", "NOT_SET_HERE_AT_ALL", "--", "true").err())
        .contains("--env NOT_SET_HERE_AT_ALL: NOT_SET_HERE_AT_ALL is not set here");
  }

  @Test
  void noDaemonExitsOneAndSaysWhere() {
    Path socket = dir.resolve("api.sock");
    Run run = run("submit", "--socket", socket.toString(), "--deadline", "18h", "--", "true");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("carbon-governor submit: no daemon answers at unix:" + socket
        + ": the socket does not exist");
  }

  private static final String JOB = """
      {"id":"q-00000000000000a1","name":"train","user":"ana","uid":1000,"team":"vision","state":"queued",
       "submitted_at":"2026-12-07T16:00:00Z","deadline":"2026-12-08T10:00:00Z","expected_s":21600,
       "expected_learned":false,"latest_start":"2026-12-08T03:30:00Z","planned_start":"2026-12-08T01:00:00Z",
       "plan_basis":"forecast","expected_change_percent":-31.25,"started_at":null,"gpus":{"indices":[0]},
       "gpus_given":[],"pid":null,"unit":null,"job_id":null,"ended_at":null,"exit_code":null,"reason":null,
       "workdir":"/srv/run","log":null,"command":["python3","train.py"]}
      """;

  /**
   * A socket that answers one request with {@code status} and {@code body}, and hands back the
   * request it got.
   */
  private CompletableFuture<String> answerOnce(Path socket, int status, String body) throws IOException {
    java.nio.file.Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return CompletableFuture.supplyAsync(() -> {
      try (server; SocketChannel c = server.accept()) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (!complete(in.toString(StandardCharsets.UTF_8))) {
          buffer.clear();
          if (c.read(buffer) < 0) {
            break;
          }
          in.write(buffer.array(), 0, buffer.position());
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.write(ByteBuffer.wrap(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        c.write(ByteBuffer.wrap(bytes));
        return in.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static boolean complete(String request) {
    int end = request.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    var length = java.util.regex.Pattern.compile("Content-Length: (\\d+)").matcher(request);
    return !length.find() || request.getBytes(StandardCharsets.UTF_8).length >= end + 4 + Integer.parseInt(length.group(1));
  }

  @Test
  void submitPostsTheJobAndPrintsItsIdAndStartsInLocalTime() throws Exception {
    Path socket = dir.resolve("api.sock");
    CompletableFuture<String> request = answerOnce(socket, 201, JOB);
    Run run = run("submit", "--socket", socket.toString(), "--deadline", "18h", "--", "python3", "train.py");
    String sent = request.get(20, TimeUnit.SECONDS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(sent).startsWith("POST /v1/queue HTTP/1.1\r\n").contains("Content-Type: application/json\r\n")
        .contains("\"deadline\":\"2026-12-08T10:00:00Z\"").contains("\"command\":[\"python3\",\"train.py\"]");
    ZoneId zone = ZoneId.systemDefault();
    assertThat(run.out()).isEqualTo(String.join("\n",
        "q-00000000000000a1 queued as ana (team vision)",
        "planned start: " + SubmitCommand.local("2026-12-08T01:00:00Z", zone)
            + " (-31.3 % intensity against starting now; forecast)",
        "latest start:  " + SubmitCommand.local("2026-12-08T03:30:00Z", zone),
        "deadline:      " + SubmitCommand.local("2026-12-08T10:00:00Z", zone), ""));
  }

  @Test
  void aRefusalExitsOneWithTheDaemonsReason() throws Exception {
    Path socket = dir.resolve("api.sock");
    CompletableFuture<String> request =
        answerOnce(socket, 422, "{\"error\":\"the deadline cannot be met: latest start is in the past\",\"status\":422}");
    Run run = run("submit", "--socket", socket.toString(), "--deadline", "10m", "--expected", "6h", "--", "true");
    request.get(20, TimeUnit.SECONDS);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "carbon-governor submit: the daemon refused (422): the deadline cannot be met: latest start is in the past\n");
  }

  @Test
  void queueListsTheJobsAndJsonIsTheApisAnswer() throws Exception {
    Path socket = dir.resolve("api.sock");
    CompletableFuture<String> request = answerOnce(socket, 200, "{\"jobs\":[" + JOB + "]}");
    Run run = run("queue", "--socket", socket.toString());
    assertThat(request.get(20, TimeUnit.SECONDS)).startsWith("GET /v1/queue HTTP/1.1\r\n");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("ID +STATE +USER +NAME +PLANNED_START +LATEST_START\n")
        .containsPattern("q-00000000000000a1 +queued +ana +train +"
            + SubmitCommand.local("2026-12-08T01:00:00Z", ZoneId.systemDefault()));

    request = answerOnce(socket, 200, JOB);
    run = run("queue", "--socket", socket.toString(), "--format", "json", "q-00000000000000a1");
    assertThat(request.get(20, TimeUnit.SECONDS)).startsWith("GET /v1/queue/q-00000000000000a1 HTTP/1.1\r\n");
    assertThat(QueueCall.JSON.readTree(run.out())).isEqualTo(QueueCall.JSON.readTree(JOB));
  }

  @Test
  void cancelDeletesTheJob() throws Exception {
    Path socket = dir.resolve("api.sock");
    CompletableFuture<String> request = answerOnce(socket, 200, JOB.replace("\"queued\"", "\"cancelled\""));
    Run run = run("cancel", "--socket", socket.toString(), "q-00000000000000a1");
    assertThat(request.get(20, TimeUnit.SECONDS)).startsWith("DELETE /v1/queue/q-00000000000000a1 HTTP/1.1\r\n");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("q-00000000000000a1 cancelled\n");

    request = answerOnce(socket, 409, "{\"error\":\"q-00000000000000a1 started already\",\"status\":409}");
    run = run("cancel", "--socket", socket.toString(), "q-00000000000000a1");
    request.get(20, TimeUnit.SECONDS);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("the daemon refused (409): q-00000000000000a1 started already");
  }

  @Test
  void aRealDaemonWhoseQueueIsOffSaysSo() throws Exception {
    Path config = io.carbongovernor.daemon.testing.TestDaemonConfig.write(dir, "interval: 1h", "queue: {enabled: false}");
    var daemon = io.carbongovernor.daemon.control.Daemon.start(
        io.carbongovernor.daemon.config.ConfigLoader.load(config, io.carbongovernor.daemon.config.FileChecks.CHECK),
        Clock.fixed(NOW, ZoneOffset.UTC));
    try {
      for (String[] args : new String[][] {
          {"submit", "--config", config.toString(), "--deadline", "18h", "--", "true"},
          {"queue", "--config", config.toString()},
          {"cancel", "--config", config.toString(), "q-00000000000000a1"}}) {
        Run run = run(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("carbon-governor " + args[0] + ": the daemon refused (404): the queue is off on"
            + " this node (queue.enabled: false when the daemon started)\n");
      }
    } finally {
      daemon.stop();
    }
  }
}
