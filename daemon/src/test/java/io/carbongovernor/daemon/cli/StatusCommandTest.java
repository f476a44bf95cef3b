package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
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

  /** The limit set now and the original are named as such: neither is taken for gpus' default. */
  @Test
  void theTextNamesTheLimitNowAndTheOriginal() throws IOException {
    String body = """
        {"zone":"DE","mode":"enforce","default_policy":"static","interval_s":300,"jobs":0,
         "queue":{"enabled":true,"launcher":"setpriv","queued":3,"starting":0,"started":1},
         "last_tick":"2026-11-02T10:00:00Z",
         "signal":{"intensity_g_per_kwh":412.0,"kind":"average","source":"trace"},
         "sources":[],"fail_safe":null,
         "gpus":[{"index":0,"uuid":"GPU-5a5a0000-0000-4000-8000-000000000000","limit_w":255.0,
                  "original_limit_w":300.0,"target_limit_w":255.0,"outcome":"applied","reason":"default policy"}]}
        """;
    HttpServer daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    daemon.createContext("/v1/status", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    daemon.start();
    try {
      CommandRun run = CommandRun.of("status", "--api", "127.0.0.1:" + daemon.getAddress().getPort());
      assertThat(run.exitCode()).as(run.all()).isZero();
      assertThat(run.out()).contains("queue: 3 queued, 0 starting, 1 started (launcher setpriv)\n")
          .containsPattern("GPU +UUID +LIMIT_NOW_W +ORIGINAL_W +OUTCOME +REASON\\n")
          .containsPattern("0 +GPU-5a5a0000-0000-4000-8000-000000000000 +255 +300 +applied +default policy");
    } finally {
      daemon.stop(0);
    }
  }

  @Test
  void aRegularFileInPlaceOfTheSocketIsNamed() throws IOException {
    Path socket = Files.writeString(dir.resolve("api.sock"), "");
    CommandRun run = CommandRun.of("status", "--socket", socket.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unix:" + socket + ": it is a regular file, not a socket");
  }
}
