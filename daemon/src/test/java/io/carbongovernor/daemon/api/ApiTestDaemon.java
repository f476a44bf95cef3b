package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A daemon for the API's tests: two simulated GPUs, the bundled California trace at a dirty
 * hour, its API on a free loopback port and on {@code dir/run/api.sock}; one tick done.
 */
final class ApiTestDaemon implements AutoCloseable {

  final Daemon daemon;
  final Path socket;

  private ApiTestDaemon(Daemon daemon, Path socket) {
    this.daemon = daemon;
    this.socket = socket;
  }

  static Path config(Path dir) throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1h");
  }

  static ApiTestDaemon start(Path dir) throws Exception {
    Path config = config(dir);
    Daemon daemon =
        Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), new MutableClock(Instant.parse("2026-10-03T13:30:00Z")));
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
    return new ApiTestDaemon(daemon, dir.resolve("run/api.sock"));
  }

  InetSocketAddress tcp() {
    return new InetSocketAddress("127.0.0.1", daemon.apiAddress().getPort());
  }

  UnixDomainSocketAddress unix() {
    return UnixDomainSocketAddress.of(socket);
  }

  @Override
  public void close() {
    daemon.stop();
  }
}
