package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user in no team registers an idle process of their own on every GPU, against a running
 * daemon on simulated GPUs that report real pids: the registration moves no GPU until that
 * process really runs on one, and then only that one, under the default policy; on the team's
 * GPU the team's limit stands even beside it. Nor can one uid fill the node with registrations.
 */
class ClaimedGpusEndToEndTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String USER = System.getProperty("user.name");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final long NOBODY = 65534;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Two simulated A40s; a team of this test's user capped at 50 %, a default policy of 80 %. */
  private Path config() throws Exception {
    assertThat(USER)
        .as("this test runs a process as uid 65534 through setpriv, which needs root; run the tests as root (CI does)")
        .isEqualTo("root");
    assertThat(SETPRIV).as("this test needs util-linux's setpriv").isExecutable();
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(
        teams.resolve("vision.yaml"),
        "members: {users: [" + USER + "]}\npolicy: {kind: static, cap: 50%}\n");
    // The default laxer than the team's 50 %, as the default (often full speed) typically is.
    return TestDaemonConfig.write(dir, "interval: 1h", "default-policy: {kind: static, cap: 80%}");
  }

  /** A sleep run as nobody (in no team), once setpriv has switched to that uid. */
  private static Process nobodysSleep() throws Exception {
    // setpriv switches to nobody and execs the shell, which says so and execs sleep: one pid throughout.
    Process p =
        new ProcessBuilder(
                SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "/bin/sh", "-c", "echo switched; exec sleep 300")
            .start();
    assertThat(new String(p.getInputStream().readNBytes("switched\n".length()), StandardCharsets.UTF_8))
        .isEqualTo("switched\n");
    return p;
  }

  @Test
  void anIdleProcessOfNoTeamLiftsNoTeamsLimitAndMovesOnlyTheGpuItRunsOn() throws Exception {
    Path config = config();
    MutableClock clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z"));
    SimulatedGpuControl gpus = SimulatedGpus.builder().count(2).clock(clock).firstPid(999_999_000).build();
    Gpu gpu0 = gpus.gpus().get(0);
    Gpu gpu1 = gpus.gpus().get(1);

    Process team = new ProcessBuilder("sleep", "300").start();
    Process stranger = nobodysSleep();
    Daemon daemon = null;
    try {
      gpus.setProcesses(gpu0, List.of(new GpuProcess(team.pid(), 1L << 30)));
      gpus.setProcesses(gpu1, List.of());
      daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock, gpus);
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      String base = "http://127.0.0.1:" + daemon.apiAddress().getPort();
      assertThat(limit(gpus, gpu0)).isEqualTo(Power.ofWatts(150)); // the team's 50 %
      assertThat(limit(gpus, gpu1)).isEqualTo(Power.ofWatts(300)); // idle: original

      HttpResponse<String> reg =
          send(base, "POST", "/v1/jobs", "{\"name\":\"idle\",\"pid\":" + stranger.pid() + ",\"gpus\":[0,1]}");
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
      JsonNode job = JSON.readTree(reg.body());
      assertThat(job.get("uid").longValue()).isEqualTo(NOBODY);
      assertThat(job.get("team").isNull()).isTrue();
      String id = job.get("id").stringValue();

      tick(daemon, clock, Duration.ofMinutes(1));
      assertThat(limit(gpus, gpu0)).as("the team keeps its own limit on its GPU").isEqualTo(Power.ofWatts(150));
      assertThat(limit(gpus, gpu1)).as("a registration alone claims no GPU").isEqualTo(Power.ofWatts(300));
      JsonNode advice = JSON.readTree(send(base, "GET", "/v1/jobs/" + id + "/advice", null).body());
      assertThat(states(advice)).containsExactly("waiting", "waiting");

      // Nor does a job take a share of the energy (and so of the carbon budget) of a GPU it only lists.
      String listsOnly =
          JSON.readTree(send(base, "POST", "/v1/jobs", "{\"name\":\"idle-too\",\"pid\":" + stranger.pid() + ",\"gpus\":[0]}").body())
              .get("id").stringValue();
      sample(daemon);
      clock.set(clock.instant().plus(Duration.ofSeconds(30)));
      sample(daemon);
      JsonNode finished = JSON.readTree(send(base, "POST", "/v1/jobs/" + listsOnly + "/finish", "{\"reached_target\":false}").body());
      assertThat(finished.get("energy_kwh").doubleValue()).isZero();

      gpus.setProcesses(gpu1, List.of(new GpuProcess(stranger.pid(), 1L << 30)));
      tick(daemon, clock, Duration.ofMinutes(1));
      assertThat(limit(gpus, gpu0)).isEqualTo(Power.ofWatts(150));
      assertThat(limit(gpus, gpu1)).as("its work runs there now: the default policy").isEqualTo(Power.ofWatts(240));
      advice = JSON.readTree(send(base, "GET", "/v1/jobs/" + id + "/advice", null).body());
      assertThat(states(advice)).containsExactly("waiting", "running");

      tick(daemon, clock, JobRegistry.CLAIM_GRACE);
      advice = JSON.readTree(send(base, "GET", "/v1/jobs/" + id + "/advice", null).body());
      assertThat(states(advice)).containsExactly("dropped", "running");
      assertThat(limit(gpus, gpu0)).isEqualTo(Power.ofWatts(150));
      assertThat(limit(gpus, gpu1)).isEqualTo(Power.ofWatts(240));

      // Work no team owns beside the team's on GPU 0 does not lift the team's limit either.
      gpus.setProcesses(gpu0, List.of(new GpuProcess(team.pid(), 1L << 30), new GpuProcess(stranger.pid(), 1L << 30)));
      tick(daemon, clock, Duration.ofMinutes(1));
      assertThat(limit(gpus, gpu0)).isEqualTo(Power.ofWatts(150));
      assertThat(limit(gpus, gpu1)).isEqualTo(Power.ofWatts(240));
    } finally {
      if (daemon != null) {
        daemon.stop();
      }
      stranger.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      team.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aUidsSixtyFifthJobGetsA429WhileAnotherUidStillRegisters() throws Exception {
    Path config = config();
    MutableClock clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z"));
    Process mine = new ProcessBuilder("sleep", "300").start();
    Process stranger = nobodysSleep();
    Daemon daemon = null;
    try {
      daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock, SimulatedGpus.builder().count(2).clock(clock).build());
      String base = "http://127.0.0.1:" + daemon.apiAddress().getPort();
      String body = "{\"name\":\"many\",\"pid\":" + stranger.pid() + ",\"gpus\":[0]}";
      for (int i = 0; i < JobRegistry.MAX_JOBS_PER_UID; i++) {
        assertThat(send(base, "POST", "/v1/jobs", body).statusCode()).isEqualTo(201);
      }
      HttpResponse<String> refused = send(base, "POST", "/v1/jobs", body);
      assertThat(refused.statusCode()).isEqualTo(429);
      JsonNode reason = JSON.readTree(refused.body());
      assertThat(reason.get("status").intValue()).isEqualTo(429);
      assertThat(reason.get("error").stringValue()).contains("uid 65534").contains("at most 64");
      // Root's own process still registers (on GPU 1, named by its UUID in capitals).
      HttpResponse<String> other =
          send(base, "POST", "/v1/jobs",
              "{\"name\":\"mine\",\"pid\":" + mine.pid() + ",\"gpus\":[\"GPU-5A5A0000-0000-4000-8000-000000000001\"]}");
      assertThat(other.statusCode()).as(other.body()).isEqualTo(201);
    } finally {
      if (daemon != null) {
        daemon.stop();
      }
      stranger.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      mine.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> states(JsonNode advice) {
    List<String> states = new ArrayList<>();
    advice.get("claims").forEach(c -> states.add(c.get("state").stringValue()));
    return states;
  }

  private static Power limit(SimulatedGpuControl gpus, Gpu gpu) {
    return gpus.sample(gpu).limit();
  }

  private static void sample(Daemon daemon) throws InterruptedException {
    long before = daemon.sampler().completed();
    daemon.triggerSample();
    assertThat(daemon.sampler().awaitPasses(before + 1, WAIT)).isTrue();
  }

  private static void tick(Daemon daemon, MutableClock clock, Duration later) throws InterruptedException {
    clock.set(clock.instant().plus(later));
    long before = daemon.loop().completedTicks();
    daemon.triggerTick();
    assertThat(daemon.loop().awaitTicks(before + 1, WAIT)).isTrue();
  }

  private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
