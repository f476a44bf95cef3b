package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} when no daemon answers: where it asked, why nothing answered, how to start one. */
class StatusCommandTest {

  private static final String HOW_TO_START = "Start it with 'systemctl start carbon-governor'";

  @TempDir Path dir;

  @Test
  void aClosedTcpPortSaysConnectionRefusedAndHowToStart() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    CommandRun run = CommandRun.of("status", "--api", "127.0.0.1:" + port);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("no daemon answers at http://127.0.0.1:" + port + "/v1/status: connection refused")
        .contains(HOW_TO_START)
        .doesNotContain("null");
  }

  @Test
  void aMissingSocketSaysItDoesNotExist() {
    Path socket = dir.resolve("api.sock");
    CommandRun run = CommandRun.of("status", "--socket", socket.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("no daemon answers at unix:" + socket + ": the socket does not exist")
        .contains(HOW_TO_START);
  }

  @Test
  void aSocketLeftByAStoppedDaemonSaysConnectionRefused() throws IOException {
    Path socket = dir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists();
    CommandRun run = CommandRun.of("status", "--socket", socket.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unix:" + socket + ": connection refused").contains(HOW_TO_START);
  }

  @Test
  void aRegularFileInPlaceOfTheSocketIsNamed() throws IOException {
    Path socket = Files.writeString(dir.resolve("api.sock"), "");
    CommandRun run = CommandRun.of("status", "--socket", socket.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unix:" + socket + ": it is a regular file, not a socket");
  }
}
