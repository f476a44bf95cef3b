package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.common.Pem;
import io.carbongovernor.daemon.testing.SelfSignedPem;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two packaged daemons on loopback: A reads the bundled trace and serves its site API over TLS
 * with a token; B has no source but {@code type: governor} pointing at A, and decides on A's
 * provider and zone.
 */
class SiteRelayProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Pattern LOCAL = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final Pattern SITE = Pattern.compile("site API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "site-SECRET-bearer-51f0";

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process daemon(Path config) throws Exception {
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
        "run", "--config", config.toString());
    Process p = withDefaultSignals(cmd).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  /** GETs {@code url} until {@code done} holds for its JSON, within the wait. */
  private static JsonNode awaitJson(HttpClient http, HttpRequest request, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      body = JSON.readTree(response.body());
      if (done.test(body)) {
        return body;
      }
      Thread.sleep(100); // a real process ticks on its own schedule
    }
    throw new AssertionError("not within " + WAIT_SECONDS + " s; last answer: " + body);
  }

  @Test
  void aDaemonOnTheRelayDecidesOnTheOtherDaemonsProviderAndZone() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    SelfSignedPem pem = SelfSignedPem.create(a, "site");
    Files.writeString(a.resolve("site-token"), TOKEN + "\n");
    Files.writeString(b.resolve("site-token"), TOKEN + "\n");
    Files.copy(pem.cert(), b.resolve("site-ca.crt"));

    Process daemonA = daemon(TestDaemonConfig.write(a, "interval: 1h",
        "site-api: {listen: '127.0.0.1:0', tls: {cert-file: site.crt, key-file: site.key}, token-file: site-token}"));
    BlockingQueue<String> outA = lines(daemonA);
    awaitLine(outA, LOCAL);
    int sitePort = Integer.parseInt(awaitLine(outA, SITE).group(1));

    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(Pem.trustStore(Pem.certificates(pem.cert())));
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
    JsonNode relayed = awaitJson(https,
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + sitePort + "/v1/carbon"))
            .header("Authorization", "Bearer " + TOKEN).build(),
        body -> !body.get("signal").isNull());
    assertThat(relayed.get("signal").get("source").asString()).isEqualTo("trace");

    // A cold JVM's first TLS call may outlast the default 2 s budget; B ticks again within seconds.
    Process daemonB = daemon(TestDaemonConfig.write(b, "interval: 5s",
        "carbon:\n  fetch-budget: 10s\n  sources:\n    - {type: governor, name: site-a, base-url: 'https://127.0.0.1:" + sitePort
            + "', token-file: site-token, ca-file: site-ca.crt}"));
    BlockingQueue<String> outB = lines(daemonB);
    int apiB = Integer.parseInt(awaitLine(outB, LOCAL).group(1));

    JsonNode carbonB = awaitJson(HttpClient.newHttpClient(),
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiB + "/v1/carbon")).build(),
        body -> body.hasNonNull("signal"));
    JsonNode signal = carbonB.get("signal");
    assertThat(signal.get("source").asString()).isEqualTo("trace via site-a");
    assertThat(carbonB.get("zone").asString()).isEqualTo("US-CAL-CISO");
    assertThat(signal.get("start").asString()).isEqualTo(relayed.get("signal").get("start").asString());
    assertThat(signal.get("end").asString()).isEqualTo(relayed.get("signal").get("end").asString());
    assertThat(signal.get("intensity_g_per_kwh").asDouble())
        .isEqualTo(relayed.get("signal").get("intensity_g_per_kwh").asDouble());
    assertThat(carbonB.get("fail_safe").isNull()).isTrue();

    for (Process p : List.of(daemonB, daemonA)) {
      p.toHandle().destroy(); // SIGTERM: restore and exit 0
    }
    String restB = drain(outB, daemonB);
    String restA = drain(outA, daemonA);
    assertThat(daemonB.exitValue()).as(restB).isZero();
    assertThat(daemonA.exitValue()).as(restA).isZero();
    assertThat(restA + restB).doesNotContain(TOKEN);
  }
}
