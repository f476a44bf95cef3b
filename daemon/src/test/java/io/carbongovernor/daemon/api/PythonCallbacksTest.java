package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.CapturedLog;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import io.carbongovernor.gpu.SimulatedGpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python package's job context manager and framework callbacks against a running daemon
 * (simulated GPUs, a clock the test moves), over the Unix socket: {@code
 * clients/python/tests/against_daemon.py} runs each, the callbacks in trainers that call their
 * hooks as PyTorch Lightning and Hugging Face do.
 */
class PythonCallbacksTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String USER = System.getProperty("user.name");
  private static final long MY_PID = ProcessHandle.current().pid();

  @TempDir Path dir;
  private Daemon daemon;
  private MutableClock clock;
  private String base;
  private Path socket;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    // A team that learns batch sizes and weighs time, so that a slow run is advised to stop.
    Files.writeString(
        teams.resolve("vision.yaml"),
        String.join(
            "\n",
            "members: {users: [" + USER + "]}",
            "policy: {kind: static, cap: 80%}",
            "batch-sizes: [128, 256, 512]",
            "time-weight-g-per-hour: 100",
            ""));
    Path config = TestDaemonConfig.write(dir, "interval: 1h");
    clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z"));
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock, SimulatedGpus.builder().count(2).clock(clock).build());
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
    base = "http://127.0.0.1:" + daemon.apiAddress().getPort();
    socket = dir.resolve("run/api.sock");
  }

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
    daemon.stop();
  }

  @Test
  void theContextManagerRegistersReportsAndFinishesByHowTheBlockEnded() throws Exception {
    try (CapturedLog log = CapturedLog.of("jobs")) {
      Driver run = driver("context");
      JsonNode registered = run.next("registered");
      // CUDA_VISIBLE_DEVICES=1: the job's GPU 0 is the machine's GPU 1.
      assertThat(registered.get("registration").get("gpus")).hasToString("[1]");
      assertThat(registered.get("registration").get("user").stringValue()).isEqualTo(USER);
      assertThat(registered.get("batch_size").intValue()).isEqualTo(256);

      JsonNode running = run.next("running");
      assertThat(running.get("advice").get("power_state").stringValue()).isIn("throttled", "full-speed", "unknown");
      JsonNode listed = running.get("listed").get(0);
      assertThat(listed.get("name").stringValue()).isEqualTo("ctx-job");
      assertThat(listed.get("progress").get("work_done").longValue()).isEqualTo(2000);
      assertThat(listed.get("progress").get("metric").get("name").stringValue()).isEqualTo("val_loss");
      assertThat(listed.get("progress").get("metric").get("value").doubleValue()).isEqualTo(0.7);

      assertThat(run.next("finished").get("outcome").get("finished").booleanValue()).isTrue();
      assertThat(run.next("failed").get("outcome").get("finished").booleanValue()).isTrue();
      run.exitsCleanly();
      assertThat(log.lines())
          .anySatisfy(l -> assertThat(l).contains("job finished").contains("name=\"ctx-job\"")
              .contains("reached_target=\"true\"").contains("epochs=\"2\""))
          .anySatisfy(l -> assertThat(l).contains("job finished").contains("name=\"ctx-failing\"")
              .contains("reached_target=\"false\"").contains("epochs=\"1\""));
    }
    assertThat(json(send("GET", "/v1/jobs", null)).get("jobs").size()).isZero();
  }

  /**
   * Lightning: the advised batch size reaches the data loader (the callback registers before
   * Lightning builds it); the daemon's stop, once the run costs more than twice the best run,
   * sets trainer.should_stop and the run finishes as not having reached its target.
   */
  @Test
  void theLightningCallbackAppliesTheBatchSizeAndStopsWhenAdvised() throws Exception {
    seedABestRun("mlp");
    try (CapturedLog log = CapturedLog.of("jobs")) {
      Driver run = driver("lightning");
      run.next("training");
      clock.set(clock.instant().plus(Duration.ofHours(1))); // one hour at 100 g/h: past twice the best run
      run.say("go");
      JsonNode done = run.next("done");
      assertThat(done.get("registration").get("gpus")).hasToString("[1]");
      int advised = done.get("registration").get("advice").get("batch_size").intValue();
      assertThat(advised).isIn(128, 256).isNotEqualTo(512); // the advisor tries a size it has not seen
      assertThat(done.get("loader_batch_sizes")).hasToString("[" + advised + "]");
      assertThat(done.get("epochs_run").intValue()).isEqualTo(1);
      assertThat(done.get("should_stop").booleanValue()).isTrue();
      assertThat(done.get("stop_reason").stringValue()).startsWith("cost so far");
      assertThat(done.get("outcome").get("finished").booleanValue()).isTrue();
      assertThat(done.get("warnings")).isEmpty();
      run.exitsCleanly();
      assertThat(log.lines())
          .anySatisfy(l -> assertThat(l).contains("job finished").contains("name=\"mlp\"").contains("reached_target=\"false\""));
    }
  }

  /**
   * Hugging Face: the Trainer builds its loader before on_train_begin, so the advice is kept for
   * the next run with one warning; the stop sets control.should_training_stop.
   */
  @Test
  void theHuggingFaceCallbackStopsWhenAdvisedAndSaysTheBatchSizeIsForTheNextRun() throws Exception {
    seedABestRun("bert");
    try (CapturedLog log = CapturedLog.of("jobs")) {
      Driver run = driver("huggingface");
      run.next("training");
      clock.set(clock.instant().plus(Duration.ofHours(1)));
      run.say("go");
      JsonNode done = run.next("done");
      assertThat(done.get("registration").get("gpus")).hasToString("[1]");
      int advised = done.get("registration").get("advice").get("batch_size").intValue();
      assertThat(done.get("loader_batch_size").intValue()).isEqualTo(512);
      assertThat(done.get("warnings")).hasSize(1);
      assertThat(done.get("warnings").get(0).stringValue())
          .contains("advised batch size " + advised + " applies to the next run of 'bert'");
      assertThat(done.get("epochs_run").intValue()).isEqualTo(1);
      assertThat(done.get("should_training_stop").booleanValue()).isTrue();
      assertThat(done.get("stop_reason").stringValue()).startsWith("cost so far");
      run.exitsCleanly();
      assertThat(log.lines())
          .anySatisfy(l -> assertThat(l).contains("job finished").contains("name=\"bert\"")
              .contains("reached_target=\"false\"").contains("epochs=\"1\""));
    }
  }

  /**
   * Hugging Face's Trainer sets control.should_training_stop itself at the last step of every
   * run: a run the daemon never advised to stop finished as having reached its target.
   */
  @Test
  void theHuggingFaceCallbackTakesTheTrainersOwnLastStepFlagForNoStop() throws Exception {
    try (CapturedLog log = CapturedLog.of("jobs")) {
      Driver run = driver("huggingface-full");
      JsonNode done = run.next("done");
      assertThat(done.get("epochs_run").intValue()).isEqualTo(2);
      assertThat(done.get("should_training_stop").booleanValue()).isTrue(); // the Trainer's, at its last step
      assertThat(done.get("stop_reason").isNull()).isTrue();
      assertThat(done.get("outcome").get("finished").booleanValue()).isTrue();
      run.exitsCleanly();
      assertThat(log.lines())
          .anySatisfy(l -> assertThat(l).contains("job finished").contains("name=\"bert-full\"")
              .contains("reached_target=\"true\"").contains("epochs=\"2\""));
    }
  }

  /** A finished run at 512 that reached its target in one minute: the one to beat. */
  private void seedABestRun(String name) throws Exception {
    HttpResponse<String> reg =
        send("POST", "/v1/jobs", "{\"name\":\"" + name + "\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":512}");
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    assertThat(json(reg).get("advice").get("batch_size").intValue()).isEqualTo(512);
    clock.set(clock.instant().plusSeconds(60));
    HttpResponse<String> fin =
        send("POST", "/v1/jobs/" + json(reg).get("id").stringValue() + "/finish", "{\"reached_target\":true,\"epochs\":3}");
    assertThat(fin.statusCode()).as(fin.body()).isEqualTo(200);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  private Driver driver(String scenario) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", "-m", "tests.against_daemon", scenario)
            .directory(PythonClient.HOME.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("python.err").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_") || k.startsWith("CARBON_GOVERNOR_"));
    pb.environment().put("CARBON_GOVERNOR_SOCKET", socket.toString());
    pb.environment().put("CUDA_VISIBLE_DEVICES", "1");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    started.add(p);
    return new Driver(p);
  }

  /** One scenario's process: its JSON lines, its stdin. */
  private final class Driver {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    Driver(Process process) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** The next line, which must be the given event; a crash shows the script's stderr. */
    JsonNode next(String event) throws IOException {
      String line = out.readLine();
      assertThat(line).as("event %s; stderr:%n%s", event, stderr()).isNotNull();
      JsonNode node = JSON.readTree(line);
      assertThat(node.get("event").stringValue()).as(line).isEqualTo(event);
      return node;
    }

    void say(String line) throws IOException {
      in.write(line + "\n");
      in.flush();
    }

    void exitsCleanly() throws Exception {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(stderr()).isZero();
    }

    private String stderr() throws IOException {
      Path err = dir.resolve("python.err");
      return Files.exists(err) ? Files.readString(err) : "";
    }
  }
}
