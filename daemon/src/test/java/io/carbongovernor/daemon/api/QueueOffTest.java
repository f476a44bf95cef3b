package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A daemon started with {@code queue.enabled: false}: every queue endpoint says the queue is off,
 * over the Unix socket as over TCP, and a wrong method still gets its 405 with the methods allowed.
 */
class QueueOffTest {

  private static final Duration ANSWER = Duration.ofSeconds(20);
  private static final String SUBMIT =
      "{\"name\": \"t\", \"deadline\": \"2026-10-04T13:00:00Z\", \"workdir\": \"/tmp\", \"command\": [\"true\"]}";

  @TempDir Path dir;
  private Daemon daemon;

  @BeforeEach
  void start() throws Exception {
    Path config = TestDaemonConfig.write(dir, "interval: 1h", "queue: {enabled: false}");
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), new MutableClock(Instant.parse("2026-10-03T13:30:00Z")));
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
  }

  @AfterEach
  void stop() {
    daemon.stop();
  }

  private RawHttp.Response send(String method, String path, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    return RawHttp.send(UnixDomainSocketAddress.of(dir.resolve("run/api.sock")), head + body, ANSWER);
  }

  private static JsonNode json(RawHttp.Response r) {
    return Exchange.JSON.readTree(r.body());
  }

  @Test
  void everyQueueEndpointSaysTheQueueIsOff() throws Exception {
    for (String[] request : new String[][] {
        {"GET", "/v1/queue", ""}, {"POST", "/v1/queue", SUBMIT},
        {"GET", "/v1/queue/q-0123456789abcdef", ""}, {"DELETE", "/v1/queue/q-0123456789abcdef", ""}}) {
      RawHttp.Response r = send(request[0], request[1], request[2]);
      assertThat(r.status()).as("%s %s", request[0], request[1]).isEqualTo(404);
      assertThat(json(r).get("error").stringValue())
          .isEqualTo("the queue is off on this node (queue.enabled: false when the daemon started)");
    }
  }

  @Test
  void aWrongMethodGetsTheMethodsAllowed() throws Exception {
    RawHttp.Response put = send("PUT", "/v1/queue", SUBMIT);
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow")).contains("GET, HEAD, POST");
    RawHttp.Response post = send("POST", "/v1/queue/q-0123456789abcdef", SUBMIT);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).contains("GET, HEAD, DELETE");
    RawHttp.Response delete = send("DELETE", "/v1/queue", "");
    assertThat(delete.status()).isEqualTo(405);
  }

  @Test
  void aSubmissionOverTheBodyLimitIsRefusedBeforeAnythingReadsIt() throws Exception {
    String big = "{\"name\": \"t\", \"workdir\": \"/tmp\", \"command\": [\"" + "a".repeat(Exchange.MAX_BODY_BYTES) + "\"]}";
    assertThat(send("POST", "/v1/queue", big).status()).isEqualTo(413);
  }

  @Test
  void statusShowsNoQueue() throws Exception {
    RawHttp.Response r = send("GET", "/v1/status", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(json(r).get("queue").isNull()).isTrue();
  }
}
