package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a hostile local user can send the API, over real sockets on loopback and on the Unix
 * socket: stalls, aborted scrapes, protocol errors, wrong methods, ambiguous JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCallersTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Generous: a loaded 2-core machine answers in milliseconds, a stall never. */
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static final String HOST = "Host: localhost\r\n";

  private ApiTestDaemon api;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    api = ApiTestDaemon.start(dir);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private List<SocketAddress> listeners() {
    return List.of(api.tcp(), api.unix());
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\n" + HOST + "\r\n";
  }

  private static String post(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return "POST " + path + " HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\nContent-Length: "
        + bytes.length + "\r\n\r\n" + body;
  }

  /** More stalls than the API has workers: half stop inside the headers, half inside a body. */
  @Test
  void stalledConnectionsDoNotHoldUpOtherCallers() throws Exception {
    List<SocketChannel> stalled = new ArrayList<>();
    try {
      for (SocketAddress address : listeners()) {
        for (int i = 0; i < ApiServer.MAX_THREADS; i++) {
          SocketChannel c = SocketChannel.open(address instanceof UnixDomainSocketAddress
              ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
          c.connect(address);
          String partial = i % 2 == 0
              ? "G"
              : "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Content-Length: 100\r\n\r\n{";
          c.write(ByteBuffer.wrap(partial.getBytes(StandardCharsets.US_ASCII)));
          stalled.add(c);
        }
      }
      for (SocketAddress address : listeners()) {
        for (String path : List.of("/v1/status", "/v1/carbon", "/metrics", "/v1/jobs/j-0000/advice")) {
          RawHttp.Response r = RawHttp.send(address, get(path), ANSWER);
          assertThat(r.status()).as(path + " over " + address + ": " + r.raw()).isIn(200, 404);
        }
      }
    } finally {
      for (SocketChannel c : stalled) {
        c.close();
      }
    }
  }

  /**
   * Scrapes whose callers leave before the answer (over TCP with a close or a reset, over the Unix
   * socket with a close) leave no descriptor open and no warning or stack trace in the log.
   */
  @Test
  void abortedScrapesLeakNothingAndLogNoStackTrace() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, stderr), true, StandardCharsets.UTF_8));
    long before = openDescriptors();
    try {
      byte[] scrape = get("/metrics").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 300; i++) {
        try (Socket s = new Socket(api.tcp().getAddress(), api.tcp().getPort())) {
          s.setSoLinger(i % 2 == 0, 0); // every other one a reset
          s.getOutputStream().write(scrape);
        }
        try (SocketChannel c = SocketChannel.open(api.unix())) {
          c.write(ByteBuffer.wrap(scrape));
        }
      }
      // Requests already read still run (and find their callers gone when they answer): until
      // they are done a new one may be refused with 503. Then the API serves again and every
      // descriptor of the aborted connections is closed.
      long deadline = System.nanoTime() + ANSWER.toNanos();
      int status = RawHttp.send(api.tcp(), get("/metrics"), ANSWER).status();
      while (status != 200 && System.nanoTime() < deadline) {
        assertThat(status).isEqualTo(503);
        Thread.sleep(50);
        status = RawHttp.send(api.tcp(), get("/metrics"), ANSWER).status();
      }
      assertThat(status).isEqualTo(200);
      long now = openDescriptors();
      while (now > before + 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        now = openDescriptors();
      }
      assertThat(now).as("open descriptors before %d, after 600 aborted scrapes", before).isLessThanOrEqualTo(before + 4);
    } finally {
      System.setErr(originalErr);
      root.detachAppender(events);
    }
    assertThat(events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
            .map(ILoggingEvent::getFormattedMessage))
        .isEmpty();
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private record Case(String name, String request) {}

  @Test
  void protocolErrorsGetAJson4xx() throws Exception {
    List<Case> cases =
        List.of(
            new Case("bad Content-Length", "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Content-Length: abc\r\n\r\n{}"),
            new Case("conflicting Content-Length",
                "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
            new Case("Content-Length beside chunked",
                "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            new Case("malformed chunk",
                "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"),
            new Case("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"),
            new Case("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n"),
            new Case("unknown method", "BREW /v1/status HTTP/1.1\r\n" + HOST + "\r\n"),
            new Case("headers too large", "GET /v1/status HTTP/1.1\r\n" + HOST + "X-Pad: " + "a".repeat(20_000) + "\r\n\r\n"),
            new Case("URI too long", "GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\n" + HOST + "\r\n"),
            new Case("header without a colon", "GET /v1/status HTTP/1.1\r\n" + HOST + "Broken header\r\n\r\n"),
            new Case("no Host", "GET /v1/status HTTP/1.1\r\n\r\n"),
            new Case("ambiguous path", "GET /v1/%2e%2e/status HTTP/1.1\r\n" + HOST + "\r\n"),
            new Case("body over 64 KiB, chunked",
                "POST /v1/jobs HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + ("8000\r\n" + "a".repeat(0x8000) + "\r\n").repeat(3) + "0\r\n\r\n"));
    // An HTTP version the API does not speak (0.9 or 7.3) gets the status made for it, 505.
    List<Case> versions =
        List.of(new Case("HTTP/0.9", "GET /v1/status\r\n\r\n"), new Case("HTTP/7.3", "GET /v1/status HTTP/7.3\r\n" + HOST + "\r\n"));
    List<String> failures = new ArrayList<>();
    for (SocketAddress address : listeners()) {
      for (Case c : cases) {
        RawHttp.Response r = RawHttp.send(address, c.request(), ANSWER);
        jsonError(r, 400, 499).ifPresent(p -> failures.add(c.name() + " over " + address + ": " + p + "\n" + r.raw()));
      }
      for (Case c : versions) {
        RawHttp.Response r = RawHttp.send(address, c.request(), ANSWER);
        jsonError(r, 505, 505).ifPresent(p -> failures.add(c.name() + " over " + address + ": " + p + "\n" + r.raw()));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aWrongMethodIs405WithAllowEverywhere() throws Exception {
    record Wrong(String method, String path, String allow) {}
    List<Wrong> cases =
        List.of(
            new Wrong("POST", "/metrics", "GET, HEAD"),
            new Wrong("DELETE", "/metrics", "GET, HEAD"),
            new Wrong("PUT", "/v1/status", "GET, HEAD"),
            new Wrong("OPTIONS", "/v1/carbon", "GET, HEAD"),
            new Wrong("DELETE", "/v1/jobs", "GET, HEAD, POST"),
            new Wrong("GET", "/v1/jobs/j-1/finish", "POST"),
            new Wrong("POST", "/v1/jobs/j-1/advice", "GET, HEAD"));
    List<String> failures = new ArrayList<>();
    for (SocketAddress address : listeners()) {
      for (Wrong w : cases) {
        RawHttp.Response r =
            RawHttp.send(address, w.method() + " " + w.path() + " HTTP/1.1\r\n" + HOST + "Content-Length: 0\r\n\r\n", ANSWER);
        jsonError(r, 405, 405)
            .or(() -> r.header("Allow").filter(w.allow()::equals).isPresent() ? Optional.empty()
                : Optional.of("Allow " + r.header("Allow")))
            .ifPresent(p -> failures.add(w + " over " + address + ": " + p + "\n" + r.raw()));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void headOnAReadGivesItsLengthWithoutABody() throws Exception {
    for (SocketAddress address : listeners()) {
      RawHttp.Response r = RawHttp.send(address, "HEAD /metrics HTTP/1.1\r\n" + HOST + "\r\n", ANSWER);
      assertThat(r.status()).isEqualTo(200);
      assertThat(Integer.parseInt(r.header("Content-Length").orElseThrow())).isPositive();
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void aKeyGivenTwiceIsRefused() throws Exception {
    long pid = ProcessHandle.current().pid();
    for (SocketAddress address : listeners()) {
      RawHttp.Response r =
          RawHttp.send(address, post("/v1/jobs", "{\"name\":\"a\",\"name\":\"b\",\"pid\":" + pid + ",\"gpus\":[0]}"), ANSWER);
      assertThat(jsonError(r, 400, 400)).isEmpty();
      assertThat(JSON.readTree(r.body()).get("error").stringValue()).contains("Duplicate").contains("name");
      RawHttp.Response trailing =
          RawHttp.send(address, post("/v1/jobs", "{\"name\":\"a\",\"pid\":" + pid + ",\"gpus\":[0]} {}"), ANSWER);
      assertThat(jsonError(trailing, 400, 400)).isEmpty();
    }
  }

  /** Empty when the response is a JSON error with a status in range; else what is wrong. */
  private static Optional<String> jsonError(RawHttp.Response r, int lowest, int highest) {
    if (r.status() < lowest || r.status() > highest) {
      return Optional.of("status " + r.status());
    }
    if (!r.header("Content-Type").orElse("").startsWith("application/json")) {
      return Optional.of("content type " + r.header("Content-Type"));
    }
    JsonNode body = JSON.readTree(r.body());
    if (body.get("status").intValue() != r.status() || body.get("error").stringValue().isBlank()) {
      return Optional.of("body " + r.body());
    }
    return Optional.empty();
  }

  /** Writes to two streams. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
