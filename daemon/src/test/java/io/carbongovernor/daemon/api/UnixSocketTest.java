package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import io.carbongovernor.daemon.control.StartupException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API's Unix socket: who calls, as the kernel says; the socket file's life. */
class UnixSocketTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration ANSWER = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static String register(long pid) {
    String body = "{\"name\":\"over-the-socket\",\"pid\":" + pid + ",\"gpus\":[0]}";
    return "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body;
  }

  /** This process's user, then nobody through setpriv, each named by the kernel. */
  @Test
  void theSocketNamesEachCaller() throws Exception {
    AnotherUid.require();
    Path client = PythonClient.copyTo(dir);
    try (ApiTestDaemon api = ApiTestDaemon.start(dir)) {
      RawHttp.Response mine = RawHttp.send(api.unix(), register(ProcessHandle.current().pid()), ANSWER);
      assertThat(mine.status()).as(mine.raw()).isEqualTo(201);
      assertThat(JSON.readTree(mine.body()).get("uid").longValue()).isEqualTo(new UnixSystem().getUid()).isZero();

      List<String> python = new ArrayList<>(List.of("/usr/bin/python3", client.toString(), "--socket", api.socket.toString(),
          "register", "--name", "nobodys", "--gpus", "1"));
      Process p = new ProcessBuilder(AnotherUid.asNobody(python)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      JsonNode job = JSON.readTree(out);
      assertThat(job.get("uid").longValue()).isEqualTo(AnotherUid.NOBODY);
      assertThat(job.get("user").stringValue()).isEqualTo("nobody");
    }
  }

  @Test
  void theSocketIsOpenToEveryLocalUserAndGoneAfterStop() throws Exception {
    Path socket;
    try (ApiTestDaemon api = ApiTestDaemon.start(dir)) {
      socket = api.socket;
      assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
      assertThat(Files.getPosixFilePermissions(socket.getParent())).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
      assertThat(RawHttp.send(api.unix(), "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", ANSWER).status()).isEqualTo(200);
    }
    assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  /** A daemon that was killed leaves its socket file behind; the next one replaces it. */
  @Test
  void aStaleSocketFileIsReplaced() throws Exception {
    Path socket = Files.createDirectories(dir.resolve("run")).resolve("api.sock");
    try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      killed.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();

    try (ApiTestDaemon api = ApiTestDaemon.start(dir)) {
      assertThat(RawHttp.send(api.unix(), "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", ANSWER).status()).isEqualTo(200);
    }
  }

  @Test
  void aSocketSomeoneListensOnIsLeftAloneAndTheStartFails() throws Exception {
    Path socket = Files.createDirectories(dir.resolve("run")).resolve("api.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(socket));
      assertThatThrownBy(() -> ApiTestDaemon.start(dir))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("another process listens on " + socket);
      assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
  }

  @Test
  void aFileThatIsNotASocketIsLeftAloneAndTheStartFails() throws Exception {
    Path file = Files.createDirectories(dir.resolve("run")).resolve("api.sock");
    Files.writeString(file, "precious");
    assertThatThrownBy(() -> ApiTestDaemon.start(dir))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(file + " exists and is not a socket");
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  /** Whoever can write the directory could swap the socket for a link before it is opened up. */
  @Test
  void aDirectoryOthersCanWriteIsRefused() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> ApiTestDaemon.start(dir))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("the socket's directory " + run + " can be changed by other users")
        .hasMessageContaining("mode 777");
  }
}
