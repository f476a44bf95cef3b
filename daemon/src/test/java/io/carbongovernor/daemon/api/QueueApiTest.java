package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

/**
 * The queue endpoints on a running daemon with its queue open, over the Unix socket: a
 * submission comes back as the job, with the submitter the kernel names; the list, the job and
 * its cancellation are its owner's (and root's), another user sees none of them.
 */
class QueueApiTest {

  private static final Duration ANSWER = Duration.ofSeconds(20);
  private static final Instant NOW = Instant.parse("2026-10-03T13:30:00Z");

  @TempDir Path dir;
  private Daemon daemon;
  private UnixDomainSocketAddress socket;

  @BeforeEach
  void start() throws Exception {
    Path config = TestDaemonConfig.write(dir, "interval: 1h", "queue: {launcher: setpriv, check-every: 1h}");
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), new MutableClock(NOW));
    assertThat(daemon.loop().awaitTicks(1, ANSWER)).isTrue();
    socket = UnixDomainSocketAddress.of(dir.resolve("run/api.sock"));
  }

  @AfterEach
  void stop() {
    daemon.stop();
  }

  private RawHttp.Response send(String method, String path, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    return RawHttp.send(socket, head + body, ANSWER);
  }

  private static JsonNode json(RawHttp.Response r) {
    return Exchange.JSON.readTree(r.body());
  }

  private String submit(String name) throws Exception {
    RawHttp.Response r = send("POST", "/v1/queue", "{\"name\": \"" + name + "\", \"deadline\": \"2026-10-04T12:00:00Z\","
        + " \"expected\": 3600, \"gpus\": {\"count\": 1}, \"workdir\": \"" + dir + "\", \"command\": [\"/bin/true\"],"
        + " \"env\": {\"MODE\": \"offline\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return json(r).get("id").stringValue();
  }

  @Test
  void aSubmissionComesBackAsTheJobAndIsListedShownAndCancelled() throws Exception {
    String id = submit("train");
    JsonNode job = json(send("GET", "/v1/queue/" + id, ""));
    assertThat(job.get("id").stringValue()).matches("q-[0-9a-f]{16}");
    assertThat(job.get("uid").longValue()).isZero();
    assertThat(job.get("user").stringValue()).isEqualTo("root");
    assertThat(job.get("name").stringValue()).isEqualTo("train");
    assertThat(job.get("deadline").stringValue()).isEqualTo("2026-10-04T12:00:00Z");
    assertThat(job.get("expected_s").longValue()).isEqualTo(3600);
    assertThat(job.get("expected_learned").booleanValue()).isFalse();
    assertThat(job.get("gpus").toString()).isEqualTo("{\"count\":1}");
    assertThat(job.get("command").toString()).isEqualTo("[\"/bin/true\"]");
    assertThat(job.has("env")).as("the environment is not shown back").isFalse();
    for (String field : List.of("submitted_at", "latest_start", "planned_start", "plan_basis",
        "expected_change_percent", "started_at", "gpus_given", "pid", "unit", "job_id", "ended_at", "exit_code",
        "reason", "team", "state")) {
      assertThat(job.has(field)).as(field).isTrue();
    }
    assertThat(json(send("GET", "/v1/queue", "")).get("jobs")).extracting(j -> j.get("id").stringValue()).contains(id);

    if (job.get("state").stringValue().equals("queued")) {
      RawHttp.Response cancelled = send("DELETE", "/v1/queue/" + id, "");
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(json(cancelled).get("state").stringValue()).isEqualTo("cancelled");
      RawHttp.Response again = send("DELETE", "/v1/queue/" + id, "");
      assertThat(again.status()).as(again.body()).isEqualTo(409);
    }
  }

  @Test
  void aBadSubmissionIsA400AndAnUnknownJobA404() throws Exception {
    RawHttp.Response r = send("POST", "/v1/queue", "{\"name\": \"t\", \"uid\": 1000, \"workdir\": \"/tmp\","
        + " \"command\": [\"true\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).get("error").stringValue()).startsWith("unknown field 'uid'");
    assertThat(send("GET", "/v1/queue/q-0123456789abcdef", "").status()).isEqualTo(404);
    assertThat(send("DELETE", "/v1/queue/q-0123456789abcdef", "").status()).isEqualTo(404);
  }

  /** Over the same socket, as uid 65534: root's job is as unknown to nobody as one that never was. */
  @Test
  void anotherUserSeesNoneOfItAndCannotCancelIt() throws Exception {
    AnotherUid.require();
    String id = submit("mine");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    assertThat(curlAsNobody("GET", "/v1/queue")).contains("\"jobs\":[]").doesNotContain(id);
    assertThat(curlAsNobody("GET", "/v1/queue/" + id)).startsWith("404");
    assertThat(curlAsNobody("DELETE", "/v1/queue/" + id)).startsWith("404");
    assertThat(json(send("GET", "/v1/queue/" + id, "")).get("state").stringValue()).isNotEqualTo("cancelled");
  }

  /** The status and body curl gets as nobody. */
  private String curlAsNobody(String method, String path) throws Exception {
    List<String> cmd = new ArrayList<>(AnotherUid.asNobody(List.of("/usr/bin/curl", "-s", "-X", method,
        "-w", "%{http_code}", "--unix-socket", dir.resolve("run/api.sock").toString(),
        "http://localhost" + path)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // curl writes the body, then the status: put the status first for the assertions.
    return out.substring(out.length() - 3) + " " + out.substring(0, out.length() - 3);
  }
}
