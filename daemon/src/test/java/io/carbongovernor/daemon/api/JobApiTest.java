package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.security.auth.module.UnixSystem;
import io.carbongovernor.daemon.cli.CarbonGovernorCommand;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job API over real HTTP on loopback, against a running daemon (simulated GPUs, the real
 * California trace at a dirty hour), with callers identified by the kernel.
 */
class JobApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path CLIENT = PythonClient.SCRIPT;
  private static final String USER = System.getProperty("user.name");
  private static final long MY_PID = ProcessHandle.current().pid();
  /** Above the kernel's largest pid_max (2^22). */
  private static final long NO_SUCH_PID = 999_999_000;
  private static final long MY_UID = new UnixSystem().getUid();

  @TempDir Path dir;
  private Daemon daemon;
  private MutableClock clock;
  private SimulatedGpuControl gpus;
  private String base;
  private Path socket;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(
        teams.resolve("vision.yaml"),
        String.join(
            "\n",
            "members: {users: [" + USER + "]}",
            "policy:",
            "  kind: bands",
            "  bands:",
            "    - {below: 180, cap: 100%, batch-size: 512}",
            "    - {below: 260, cap: 80%, batch-size: 256}",
            "    - {cap: 65%, batch-size: 120}",
            "batch-sizes: [128, 256, 512]",
            ""));
    Path config = TestDaemonConfig.write(dir, "interval: 1h");
    clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z")); // 302.44 g/kWh
    // Each GPU runs a process no team owns (a pid no process has: its owner cannot be read).
    gpus = SimulatedGpus.builder().count(2).clock(clock).firstPid(NO_SUCH_PID).build();
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock, gpus);
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
    base = "http://127.0.0.1:" + daemon.apiAddress().getPort();
    socket = dir.resolve("run/api.sock");
  }

  @AfterEach
  void stop() {
    daemon.stop();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    // A body the daemon refuses by its length is answered before it is read; sent at once, the
    // unread rest makes the closing socket reset, which may reach the client before the answer.
    b.expectContinue(body != null && body.length() > 65_536);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  /** This JVM, the vision jobs' process, starts its work on GPU 0 beside what runs there. */
  private void runOnGpu0() {
    gpus.setProcesses(gpus.gpus().get(0), List.of(new GpuProcess(MY_PID, 1L << 30), new GpuProcess(NO_SUCH_PID, 1L << 30)));
  }

  private void tick() throws InterruptedException {
    long before = daemon.loop().completedTicks();
    daemon.triggerTick();
    assertThat(daemon.loop().awaitTicks(before + 1, Duration.ofSeconds(20))).isTrue();
  }

  @Test
  void aJobRegistersReportsGetsAdviceAndFinishes() throws Exception {
    HttpResponse<String> reg =
        send("POST", "/v1/jobs",
            "{\"name\":\"resnet50\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":256,"
                + "\"accepts_batch_size_changes\":true}");
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    JsonNode job = json(reg);
    String id = job.get("id").stringValue();
    assertThat(job.get("user").stringValue()).isEqualTo(USER);
    assertThat(job.get("team").stringValue()).isEqualTo("vision");
    assertThat(job.get("advice").get("batch_size").intValue()).isEqualTo(256); // the job's own until a tick

    runOnGpu0();
    tick();
    JsonNode advice = json(send("GET", "/v1/jobs/" + id + "/advice", null));
    // Team band at 302 g/kWh: 65 % (195 W). The process no team owns on GPU 0 would get the
    // default policy's 60 % (180 W), but on a GPU the team uses only the team decides. The band's
    // batch size (120) does not move the run: the team lists batch sizes, so the advisor's pick
    // at registration holds for the whole run, the size its finished run is learned at.
    assertThat(advice.get("batch_size").intValue()).isEqualTo(256);
    assertThat(advice.get("power_limit_w").doubleValue()).isEqualTo(195.0);
    assertThat(advice.get("power_state").stringValue()).isEqualTo("throttled");
    assertThat(advice.get("reason").stringValue()).startsWith("team vision").contains("work no team owns is not counted");
    assertThat(job.get("claims").get(0).get("state").stringValue()).isEqualTo("waiting"); // until a tick saw it
    assertThat(advice.get("claims").get(0).get("state").stringValue()).isEqualTo("running");

    JsonNode status = json(send("GET", "/v1/status", null));
    assertThat(status.get("gpus").get(0).get("target_limit_w").doubleValue()).isEqualTo(195.0);
    assertThat(status.get("gpus").get(1).get("target_limit_w").doubleValue()).isEqualTo(180.0);
    assertThat(status.get("jobs").intValue()).isEqualTo(1);
    assertThat(status.get("sources").get(0).get("source").stringValue()).isEqualTo("trace");
    assertThat(status.get("sources").get(0).get("healthy").booleanValue()).isTrue();

    HttpResponse<String> progress =
        send("POST", "/v1/jobs/" + id + "/progress",
            "{\"samples_done\":1000,\"epoch\":1,\"metric\":{\"name\":\"val_loss\",\"value\":0.7}}");
    assertThat(progress.statusCode()).as(progress.body()).isEqualTo(200);
    clock.set(clock.instant().plusSeconds(120));
    progress = send("POST", "/v1/jobs/" + id + "/progress", "{\"samples_done\":25000,\"epoch\":2}");
    assertThat(json(progress).get("measured_limits").intValue()).isEqualTo(1);
    assertThat(json(progress).get("measured_profile_in_use").booleanValue()).isFalse();

    HttpResponse<String> fin = send("POST", "/v1/jobs/" + id + "/finish", "{\"reached_target\":true,\"epochs\":2}");
    assertThat(fin.statusCode()).as(fin.body()).isEqualTo(200);
    assertThat(send("GET", "/v1/jobs/" + id + "/advice", null).statusCode()).isEqualTo(404);

    JsonNode carbon = json(send("GET", "/v1/carbon", null));
    assertThat(carbon.get("signal").get("intensity_g_per_kwh").doubleValue()).isEqualTo(302.44);
    assertThat(carbon.get("forecast").size()).isGreaterThan(20);
  }

  /**
   * A team without batch sizes: a job that accepts changes follows its band's batch size as the
   * intensity moves, and the job list shows the size it was last told.
   */
  @Test
  void aJobOfATeamWithoutBatchSizesFollowsItsBandsBatchSize() throws Exception {
    Files.writeString(
        dir.resolve("teams.d").resolve("vision.yaml"),
        String.join(
            "\n",
            "members: {users: [" + USER + "]}",
            "policy:",
            "  kind: bands",
            "  bands:",
            "    - {below: 180, cap: 100%, batch-size: 512}",
            "    - {below: 260, cap: 80%, batch-size: 256}",
            "    - {cap: 65%, batch-size: 120}",
            ""));
    assertThat(daemon.reload()).isTrue();
    String id =
        json(send("POST", "/v1/jobs",
                "{\"name\":\"resnet50\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":256,"
                    + "\"accepts_batch_size_changes\":true}"))
            .get("id").stringValue();
    runOnGpu0();
    tick();
    assertThat(json(send("GET", "/v1/jobs/" + id + "/advice", null)).get("batch_size").intValue()).isEqualTo(120);
    assertThat(json(send("GET", "/v1/jobs", null)).get("jobs").get(0).get("batch_size").intValue()).isEqualTo(120);
  }

  /**
   * GET /v1/jobs: the caller's jobs in registration order, each described as at registration,
   * with the batch size it trains at, its energy so far and its last progress with its metric.
   */
  @Test
  void theJobListShowsEachJobWithItsLastProgressAndMetric() throws Exception {
    String resnet =
        json(send("POST", "/v1/jobs", "{\"name\":\"resnet\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":256}"))
            .get("id").stringValue();
    String bert = json(send("POST", "/v1/jobs", "{\"name\":\"bert\",\"pid\":" + MY_PID + ",\"gpus\":[1]}")).get("id").stringValue();
    clock.set(clock.instant().plusSeconds(60));
    HttpResponse<String> progress =
        send("POST", "/v1/jobs/" + resnet + "/progress",
            "{\"samples_done\":1000,\"epoch\":1,\"metric\":{\"name\":\"val loss\",\"value\":0.7}}");
    assertThat(progress.statusCode()).as(progress.body()).isEqualTo(200);

    HttpResponse<String> list = send("GET", "/v1/jobs", null);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    JsonNode jobs = json(list).get("jobs");
    assertThat(jobs.size()).isEqualTo(2);
    JsonNode first = jobs.get(0);
    assertThat(first.get("id").stringValue()).isEqualTo(resnet);
    assertThat(first.get("name").stringValue()).isEqualTo("resnet");
    assertThat(first.get("pid").longValue()).isEqualTo(MY_PID);
    assertThat(first.get("user").stringValue()).isEqualTo(USER);
    assertThat(first.get("uid").longValue()).isEqualTo(MY_UID);
    assertThat(first.get("team").stringValue()).isEqualTo("vision");
    assertThat(first.get("gpus")).hasToString("[0]");
    assertThat(first.get("claims").get(0).get("state").stringValue()).isEqualTo("waiting");
    assertThat(first.get("registered_at").stringValue()).isEqualTo("2026-10-03T13:30:00Z");
    assertThat(first.get("batch_size").intValue()).isEqualTo(256);
    assertThat(first.get("accepts_batch_size_changes").booleanValue()).isFalse();
    assertThat(first.get("energy_kwh").doubleValue()).isZero();
    assertThat(first.get("emissions_g").doubleValue()).isZero();
    assertThat(first.get("progress").get("work_done").longValue()).isEqualTo(1000);
    assertThat(first.get("progress").get("epoch").intValue()).isEqualTo(1);
    assertThat(first.get("progress").get("at").stringValue()).isEqualTo("2026-10-03T13:31:00Z");
    assertThat(first.get("progress").get("metric").get("name").stringValue()).isEqualTo("val loss");
    assertThat(first.get("progress").get("metric").get("value").doubleValue()).isEqualTo(0.7);
    assertThat(jobs.get(1).get("id").stringValue()).isEqualTo(bert);
    assertThat(jobs.get(1).get("progress").isNull()).isTrue();

    // A report without a metric shows none: the list shows the last report as it came.
    send("POST", "/v1/jobs/" + resnet + "/progress", "{\"samples_done\":2000,\"epoch\":2}");
    assertThat(json(send("GET", "/v1/jobs", null)).get("jobs").get(0).get("progress").has("metric")).isFalse();

    HttpResponse<String> head = send("HEAD", "/v1/jobs", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();

    send("POST", "/v1/jobs/" + resnet + "/finish", "{\"reached_target\":true}");
    JsonNode after = json(send("GET", "/v1/jobs", null)).get("jobs");
    assertThat(after.size()).isEqualTo(1);
    assertThat(after.get(0).get("id").stringValue()).isEqualTo(bert);
  }

  private int runOnce(String name) throws Exception {
    JsonNode job = json(send("POST", "/v1/jobs", "{\"name\":\"" + name + "\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":256}"));
    int size = job.get("advice").get("batch_size").intValue();
    assertThat(job.get("advice").get("batch_size_reason").stringValue()).isNotBlank();
    HttpResponse<String> fin =
        send("POST", "/v1/jobs/" + job.get("id").stringValue() + "/finish", "{\"reached_target\":true,\"epochs\":3}");
    assertThat(fin.statusCode()).as(fin.body()).isEqualTo(200);
    return size;
  }

  /** The advisor prunes down from the job's own size first, and remembers across restarts. */
  @Test
  void theBatchSizeAdvisorLearnsFromFinishedRunsAndRemembersThem() throws Exception {
    assertThat(runOnce("resnet")).isEqualTo(256);
    assertThat(runOnce("resnet")).isEqualTo(128);
    assertThat(runOnce("other-job")).isEqualTo(256); // a different job learns on its own
    Path config = dir.resolve("governor.yaml");
    daemon.stop();
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock);
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
    base = "http://127.0.0.1:" + daemon.apiAddress().getPort();
    assertThat(runOnce("resnet")).isEqualTo(512); // nothing smaller than 128: the next size up
  }

  @Test
  void badRequestsGetAClearJsonReasonAndA4xx() throws Exception {
    record Case(String method, String path, String body, int status, String reason) {}
    List<Case> cases =
        List.of(
            new Case("POST", "/v1/jobs", "{not json", 400, "malformed JSON"),
            new Case("POST", "/v1/jobs", "[1,2]", 400, "must be a JSON object"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":1,\"gpus\":[0],\"colour\":1}", 400, "unknown field 'colour'"),
            new Case("POST", "/v1/jobs", "{\"pid\":" + MY_PID + ",\"gpus\":[0]}", 400, "field 'name' is required"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":\"12\",\"gpus\":[0]}", 400, "'pid' must be a whole number"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":" + MY_PID + ",\"gpus\":[7]}", 400, "unknown GPU '7'"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":" + MY_PID + ",\"gpus\":[]}", 400, "list of 1 to 64"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":999999999,\"gpus\":[0]}", 400, "does not exist"),
            new Case("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":" + MY_PID + ",\"gpus\":[0],\"batch_size\":0}", 400, "'batch_size' must be a whole number > 0"),
            new Case("POST", "/v1/jobs", "{\"name\":\" \",\"pid\":" + MY_PID + ",\"gpus\":[0]}", 400, "name must be"),
            new Case("POST", "/v1/jobs", "{\"x\":\"" + "a".repeat(70_000) + "\"}", 413, "over 65536 bytes"),
            new Case("PUT", "/v1/jobs", "{}", 405, "use GET, HEAD, POST"),
            new Case("POST", "/v1/jobs/j-0000/progress",
                "{\"samples_done\":1,\"metric\":{\"name\":\"val\\u001b[2Jloss\",\"value\":1}}", 400,
                "'name' of 'metric' must be 1-64 printable ASCII characters"),
            new Case("POST", "/v1/jobs/j-0000/progress",
                "{\"samples_done\":1,\"metric\":{\"name\":\"" + "m".repeat(65) + "\",\"value\":1}}", 400,
                "'name' of 'metric' must be 1-64"),
            new Case("GET", "/v1/jobs/j-0000/advice", null, 404, "no job j-0000"),
            new Case("POST", "/v1/jobs/j-0000/progress", "{\"samples_done\":1}", 404, "no job j-0000"),
            new Case("POST", "/v1/jobs/j-0000/finish", "{}", 400, "'reached_target' is required"),
            new Case("GET", "/v2/anything", null, 404, "no such endpoint"));
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      HttpResponse<String> r = send(c.method(), c.path(), c.body());
      JsonNode body = json(r);
      if (r.statusCode() != c.status() || !body.get("error").stringValue().contains(c.reason())
          || body.get("status").intValue() != c.status()) {
        failures.add(c + " -> " + r.statusCode() + " " + r.body());
      }
    }
    assertThat(failures).isEmpty();

    String id = json(send("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":" + MY_PID + ",\"gpus\":[0]}")).get("id").stringValue();
    send("POST", "/v1/jobs/" + id + "/progress", "{\"samples_done\":100}");
    HttpResponse<String> back = send("POST", "/v1/jobs/" + id + "/progress", "{\"samples_done\":50}");
    assertThat(back.statusCode()).isEqualTo(400);
    assertThat(json(back).get("error").stringValue()).contains("went back from 100 to 50");
    HttpResponse<String> both = send("POST", "/v1/jobs/" + id + "/progress", "{\"samples_done\":1,\"iterations_done\":1}");
    assertThat(json(both).get("error").stringValue()).contains("exactly one of");
  }

  @Test
  void jobsWhoseProcessExitedAreForgotten() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      HttpResponse<String> reg =
          send("POST", "/v1/jobs", "{\"name\":\"short\",\"pid\":" + sleeper.pid() + ",\"gpus\":[1]}");
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
      String id = json(reg).get("id").stringValue();
      sleeper.destroyForcibly();
      sleeper.waitFor(10, TimeUnit.SECONDS);
      tick();
      assertThat(send("GET", "/v1/jobs/" + id + "/advice", null).statusCode()).isEqualTo(404);
    } finally {
      sleeper.destroyForcibly();
    }
  }

  /**
   * The Python client, run as another uid (nobody) through setpriv, over the Unix socket and over
   * loopback TCP: the kernel says who calls, and nobody cannot take root's job or process.
   */
  @Test
  void anotherUserCannotRegisterOrReadSomeoneElsesJob() throws Exception {
    AnotherUid.require();
    String mine =
        json(send("POST", "/v1/jobs", "{\"name\":\"mine\",\"pid\":" + MY_PID + ",\"gpus\":[0]}")).get("id").stringValue();

    Path client = PythonClient.copyTo(dir);

    for (List<String> where : List.of(List.of("--socket", socket.toString()), List.of("--url", base))) {
      Result registerMine =
          asNobody(client, where, "register", "--name", "steal", "--pid", Long.toString(MY_PID), "--gpus", "0");
      assertThat(registerMine.exit).as(where + ": " + registerMine.out).isEqualTo(1);
      assertThat(registerMine.out).contains("\"status\": 403").contains("belongs to uid 0");

      Result readMine = asNobody(client, where, "advice", mine);
      assertThat(readMine.exit).as(where + ": " + readMine.out).isEqualTo(1);
      assertThat(readMine.out).contains("\"status\": 403").contains("belongs to another user");

      Result own = asNobody(client, where, "register", "--name", "nobodys", "--gpus", "1");
      assertThat(own.exit).as(where + ": " + own.out).isZero();
      JsonNode job = JSON.readTree(own.out);
      assertThat(job.get("uid").longValue()).isEqualTo(AnotherUid.NOBODY);
      assertThat(job.get("team").isNull()).isTrue();

      // Each user lists only their own jobs; root lists everyone's.
      Result list = asNobody(client, where, "list");
      assertThat(list.exit).as(where + ": " + list.out).isZero();
      JsonNode listed = JSON.readTree(list.out).get("jobs");
      assertThat(listed.findValuesAsString("id")).contains(job.get("id").stringValue()).doesNotContain(mine);
      assertThat(listed.findValues("uid")).allSatisfy(uid -> assertThat(uid.longValue()).isEqualTo(AnotherUid.NOBODY));
      assertThat(json(send("GET", "/v1/jobs", null)).get("jobs").findValuesAsString("id"))
          .contains(mine, job.get("id").stringValue());

      Result finishMine = asNobody(client, where, "finish", mine, "--reached-target");
      assertThat(finishMine.out).as(where.toString()).contains("\"status\": 403");
    }
  }

  @Test
  void thePythonClientRunsAJobThroughItsWholeLife() throws Exception {
    Result reg = python(CLIENT, "register", "--name", "bert", "--gpus", "0,1", "--batch-size", "256");
    assertThat(reg.exit).as(reg.out).isZero();
    assertThat(JSON.readTree(reg.out).get("uid").longValue()).isEqualTo(MY_UID);
    String id = JSON.readTree(reg.out).get("id").stringValue();
    assertThat(python(CLIENT, "progress", id, "--samples-done", "10", "--epoch", "1").exit).isZero();
    Result advice = python(CLIENT, "advice", id);
    assertThat(JSON.readTree(advice.out).get("power_state").stringValue()).isIn("throttled", "full-speed");
    assertThat(python(CLIENT, "finish", id, "--reached-target", "--epochs", "3").exit).isZero();
    Result gone = python(CLIENT, "advice", id);
    assertThat(gone.exit).isEqualTo(1);
    assertThat(gone.out).contains("404");
  }

  @Test
  void thePythonClientStillSpeaksLoopbackTcp() throws Exception {
    Result reg = run(command(CLIENT, List.of("--url", base), "register", "--name", "tcp", "--gpus", "1"), Map.of());
    assertThat(reg.exit).as(reg.out).isZero();
    assertThat(JSON.readTree(reg.out).get("uid").longValue()).isEqualTo(MY_UID);
    Result status = run(command(CLIENT, List.of("--url", base), "status"), Map.of());
    assertThat(JSON.readTree(status.out).get("zone").stringValue()).isEqualTo("US-CAL-CISO");
  }

  /**
   * Under CUDA_VISIBLE_DEVICES a job's GPU 0 is the first device listed there, by index or by
   * UUID; the client registers the machine's GPU behind it.
   */
  @Test
  void thePythonClientMapsTheJobsGpusThroughCudaVisibleDevices() throws Exception {
    String uuid0 = json(send("GET", "/v1/status", null)).get("gpus").get(0).get("uuid").stringValue();

    Result byIndex = python(Map.of("CUDA_VISIBLE_DEVICES", "1"), "register", "--name", "a", "--gpus", "0");
    assertThat(byIndex.exit).as(byIndex.out).isZero();
    assertThat(JSON.readTree(byIndex.out).get("gpus")).hasToString("[1]");

    Result byUuid = python(Map.of("CUDA_VISIBLE_DEVICES", "1," + uuid0), "register", "--name", "b", "--gpus", "1,0");
    assertThat(byUuid.exit).as(byUuid.out).isZero();
    assertThat(JSON.readTree(byUuid.out).get("gpus")).hasToString("[0,1]");

    Result uuidGiven = python(Map.of("CUDA_VISIBLE_DEVICES", "1"), "register", "--name", "c", "--gpus", uuid0);
    assertThat(uuidGiven.exit).as(uuidGiven.out).isZero();
    assertThat(JSON.readTree(uuidGiven.out).get("gpus")).hasToString("[0]");

    Result hidden = python(Map.of("CUDA_VISIBLE_DEVICES", "1"), "register", "--name", "d", "--gpus", "1");
    assertThat(hidden.exit).isEqualTo(1);
    assertThat(hidden.out).contains("GPU 1 is not visible").contains("CUDA_VISIBLE_DEVICES='1'");
  }

  @Test
  void theStatusCommandShowsEachGpusDecision() throws Exception {
    send("POST", "/v1/jobs", "{\"name\":\"x\",\"pid\":" + MY_PID + ",\"gpus\":[0]}");
    runOnGpu0();
    tick();
    StringWriter out = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    int exit = cl.execute("status", "--api", "127.0.0.1:" + daemon.apiAddress().getPort());
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("zone US-CAL-CISO, mode enforce, default policy static")
        .contains("302.4 gCO2eq/kWh (average, trace)")
        .containsPattern("0 +GPU-5a5a0000-0000-4000-8000-000000000000 +195 +300 applied +team vision");

    StringWriter json = new StringWriter();
    cl.setOut(new PrintWriter(json));
    assertThat(cl.execute("status", "--api", "127.0.0.1:" + daemon.apiAddress().getPort(), "--format", "json")).isZero();
    assertThat(JSON.readTree(json.toString()).get("gpus").size()).isEqualTo(2);

    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("status", "--api", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("no daemon answers at http://127.0.0.1:1/v1/status");
  }

  /** Without --api the status command asks over the socket its config names. */
  @Test
  void theStatusCommandUsesTheSocket() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("status", "--config", dir.resolve("governor.yaml").toString(), "--format", "json"))
        .as(out.toString()).isZero();
    assertThat(JSON.readTree(out.toString()).get("zone").stringValue()).isEqualTo("US-CAL-CISO");

    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("status", "--socket", dir.resolve("nowhere.sock").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no daemon answers at unix:" + dir.resolve("nowhere.sock"));
  }

  private record Result(int exit, String out) {}

  /** The client over the daemon's Unix socket, in an environment without GPU or API settings. */
  private Result python(Path script, String... args) throws IOException, InterruptedException {
    return run(command(script, List.of("--socket", socket.toString()), args), Map.of());
  }

  private Result python(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return run(command(CLIENT, List.of("--socket", socket.toString()), args), env);
  }

  private static List<String> command(Path script, List<String> where, String... args) {
    List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
    cmd.addAll(where);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Result asNobody(Path script, List<String> where, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
    cmd.addAll(where);
    cmd.addAll(List.of(args));
    return run(AnotherUid.asNobody(cmd), Map.of());
  }

  private static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_") || k.startsWith("CARBON_GOVERNOR_"));
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the checkout
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out.trim());
  }
}
