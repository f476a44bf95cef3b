package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A queue that cannot open (its database is a directory) costs the submissions, not the GPUs:
 * the daemon ticks, callers get a 503 with the reason, and status shows it.
 */
class QueueUnavailableTest {

  @TempDir Path dir;

  @Test
  void theDaemonControlsItsGpusAndSaysWhyTheQueueIsNotAvailable() throws Exception {
    // An in-memory history puts the queue in state-dir/queue.db, here a directory.
    Files.createDirectories(dir.resolve("state/queue.db"));
    Path config = TestDaemonConfig.write(dir, "interval: 1h", "history: {url: \"jdbc:sqlite::memory:\"}");
    Daemon daemon =
        Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), new MutableClock(Instant.parse("2026-10-03T13:30:00Z")));
    try {
      assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
      UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(dir.resolve("run/api.sock"));
      RawHttp.Response list = RawHttp.send(socket,
          "GET /v1/queue HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", Duration.ofSeconds(20));
      assertThat(list.status()).isEqualTo(503);
      assertThat(Exchange.JSON.readTree(list.body()).get("error").stringValue())
          .startsWith("the queue is not available: ");

      RawHttp.Response status = RawHttp.send(socket,
          "GET /v1/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", Duration.ofSeconds(20));
      JsonNode queue = Exchange.JSON.readTree(status.body()).get("queue");
      assertThat(queue.get("enabled").booleanValue()).isTrue();
      assertThat(queue.get("launcher").isNull()).isTrue();
      assertThat(queue.get("error").stringValue()).isNotBlank();
      assertThat(Exchange.JSON.readTree(status.body()).get("gpus")).hasSize(2);
    } finally {
      daemon.stop();
    }
  }
}
