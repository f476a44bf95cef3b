package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSourceException;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.HttpEndpoint;
import io.carbongovernor.carbon.Retry;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.carbon.Timeouts;
import io.carbongovernor.common.Pem;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.SelfSignedPem;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A daemon's site API over real TLS on loopback, with a certificate made by keytool and a bearer
 * token: only the carbon document is served, only to a caller with the token, and a real {@code
 * governor} source reads from it what the daemon decided on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiteApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Generous: a loaded 2-core machine answers in milliseconds, a stall never. */
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static final String TOKEN = "site-SECRET-bearer-0c41";

  private Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z"));
  private Daemon daemon;
  private SelfSignedPem pem;
  private HttpClient https;
  private URI base;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    pem = SelfSignedPem.create(dir, "site");
    Files.writeString(dir.resolve("site-token"), TOKEN + "\n");
    Path config = TestDaemonConfig.write(dir, "interval: 1h",
        "site-api: {listen: '127.0.0.1:0', tls: {cert-file: site.crt, key-file: site.key}, token-file: site-token}");
    daemon = Daemon.start(ConfigLoader.load(config, FileChecks.CHECK), clock);
    assertThat(daemon.loop().awaitTicks(1, Duration.ofSeconds(20))).isTrue();
    base = URI.create("https://127.0.0.1:" + daemon.siteApiAddress().orElseThrow().getPort());
    https = HttpClient.newBuilder().sslContext(trusting(Pem.certificates(pem.cert()))).connectTimeout(ANSWER).build();
  }

  @AfterAll
  void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static SSLContext trusting(List<X509Certificate> certificates) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(Pem.trustStore(certificates));
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }

  private HttpResponse<String> send(String method, String path, Optional<String> authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(ANSWER)
        .method(method, HttpRequest.BodyPublishers.noBody());
    authorization.ifPresent(a -> request.header("Authorization", a));
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, Optional.of("Bearer " + TOKEN));
  }

  private static JsonNode json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(response.body());
  }

  @Test
  void theCarbonDocumentPassesTheProvidersZoneSlotAndSourceThrough() throws Exception {
    HttpResponse<String> response = get("/v1/carbon");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    TickReport tick = daemon.loop().lastReport().orElseThrow();
    CarbonSignal decided = tick.signal().orElseThrow();
    JsonNode body = json(response);
    assertThat(body.get("zone").asString()).isEqualTo("US-CAL-CISO");
    assertThat(body.get("as_of").asString()).isEqualTo(tick.at().toString());
    JsonNode signal = body.get("signal");
    assertThat(signal.get("source").asString()).isEqualTo("trace");
    assertThat(signal.get("zone").asString()).isEqualTo("US-CAL-CISO");
    assertThat(signal.get("start").asString()).isEqualTo(decided.start().toString());
    assertThat(signal.get("end").asString()).isEqualTo(decided.end().toString());
    assertThat(signal.get("intensity_g_per_kwh").asDouble()).isEqualTo(decided.intensity().gramsPerKwh());
    assertThat(signal.get("kind").asString()).isEqualTo("average");
    assertThat(body.get("forecast").size()).isEqualTo(tick.forecast().size()).isPositive();
  }

  @Test
  void withoutTheTokenNothingIsServedNotEvenAnUnknownPath() throws Exception {
    for (String path : List.of("/v1/carbon", "/v1/jobs", "/nowhere")) {
      HttpResponse<String> none = send("GET", path, Optional.empty());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"carbon-governor\"");
      assertThat(json(none).get("error").asString()).contains("bearer token is required");
    }
    for (String wrong : List.of("Bearer " + TOKEN + "x", "Bearer ", "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN.substring(1))) {
      HttpResponse<String> refused = send("GET", "/v1/carbon", Optional.of(wrong));
      assertThat(refused.statusCode()).as(wrong).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"carbon-governor\", error=\"invalid_token\"");
      assertThat(refused.body()).doesNotContain(TOKEN);
    }
  }

  @Test
  void theTokenIsCaseSensitiveButTheSchemeIsNot() throws Exception {
    assertThat(send("GET", "/v1/carbon", Optional.of("bearer " + TOKEN)).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/carbon", Optional.of("Bearer " + TOKEN.toUpperCase())).statusCode()).isEqualTo(401);
  }

  @Test
  void writesAreRefusedWithAReason() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> response = send(method, "/v1/carbon", Optional.of("Bearer " + TOKEN));
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
      assertThat(json(response).get("error").asString()).contains("read-only");
    }
  }

  @Test
  void theLocalApisEndpointsAreNotReachableHere() throws Exception {
    for (String path : List.of("/v1/jobs", "/v1/status", "/metrics", "/v1/jobs/j-0001/advice", "/v1/carbon/", "/")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(json(response).get("error").asString()).contains("no such endpoint");
    }
    HttpResponse<String> post = send("POST", "/v1/jobs", Optional.of("Bearer " + TOKEN));
    assertThat(post.statusCode()).isEqualTo(404);
    assertThat(daemon.siteApiAddress().orElseThrow().getPort()).isNotEqualTo(daemon.apiAddress().getPort());
  }

  /** More silent connections than the API has threads, some inside a TLS handshake. */
  @Test
  void stalledClientsDoNotHoldUpOthers() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      InetSocketAddress site = new InetSocketAddress("127.0.0.1", base.getPort());
      for (int i = 0; i < 2 * ApiServer.MAX_THREADS; i++) {
        Socket s = new Socket(site.getAddress(), site.getPort());
        if (i % 2 == 1) {
          s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02}); // a handshake record's start
          s.getOutputStream().flush();
        }
        stalled.add(s);
      }
      assertThat(get("/v1/carbon").statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void oversizedHeadersAreRefusedInJson() throws Exception {
    HttpResponse<String> response = https.send(
        HttpRequest.newBuilder(base.resolve("/v1/carbon")).timeout(ANSWER)
            .header("Authorization", "Bearer " + TOKEN)
            .header("X-Padding", "a".repeat(ApiServer.MAX_HEADER_BYTES)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(431);
  }

  private CarbonSource relay(Optional<String> token, List<X509Certificate> trusted) {
    return CarbonSources.governor(
        new HttpEndpoint("site", base, Timeouts.of(ANSWER), Retry.defaults().withMaxAttempts(1)), token, trusted, clock);
  }

  /** The real source against the real endpoint: what this daemon decided on, through the relay. */
  @Test
  void aGovernorSourceReadsWhatTheDaemonDecidedOn() throws Exception {
    CarbonSignal decided = daemon.loop().lastReport().orElseThrow().signal().orElseThrow();
    CarbonSource relay = relay(Optional.of(TOKEN), Pem.certificates(pem.cert()));
    assertThat(relay.current("US-CAL-CISO")).isEqualTo(new CarbonSignal(
        decided.zone(), decided.start(), decided.end(), CarbonIntensity.gramsPerKwh(decided.intensity().gramsPerKwh()),
        SignalKind.AVERAGE, "trace via site", decided.estimated()));
    assertThat(relay.forecast("US-CAL-CISO", Duration.ofHours(24))).isNotEmpty()
        .allSatisfy(s -> assertThat(s.source()).isEqualTo("trace via site"));

    CarbonSourceException otherZone =
        catchThrowableOfType(CarbonSourceException.class, () -> relay.current("DE"));
    assertThat(otherZone.kind()).isEqualTo(CarbonSourceException.Kind.BAD_RESPONSE);
  }

  @Test
  void aGovernorSourceWithoutTheTokenOrTheCertificateIsRefused() throws Exception {
    CarbonSourceException noToken = catchThrowableOfType(CarbonSourceException.class,
        () -> relay(Optional.empty(), Pem.certificates(pem.cert())).current("US-CAL-CISO"));
    assertThat(noToken.kind()).isEqualTo(CarbonSourceException.Kind.AUTH);

    CarbonSourceException untrusted = catchThrowableOfType(CarbonSourceException.class,
        () -> relay(Optional.of(TOKEN), List.of()).current("US-CAL-CISO"));
    assertThat(untrusted.kind()).isEqualTo(CarbonSourceException.Kind.UNAVAILABLE);
    assertThat(untrusted.getMessage()).doesNotContain(TOKEN);
  }

  /** The WireMock stubs of the governor source's tests serve this fixture: it must be what we serve. */
  @Test
  void theEndpointServesExactlyTheDocumentTheSourcesTestsStub() throws IOException {
    Path fixture = Path.of("..", "carbon-sources", "src", "test", "resources", "fixtures", "governor", "carbon.json");
    CarbonSignal now = signal("2026-03-01T10:00:00Z", 312.0, false);
    List<CarbonSignal> forecast = List.of(
        signal("2026-03-01T11:00:00Z", 298.5, true), signal("2026-03-01T12:00:00Z", 275.0, true),
        signal("2026-03-01T13:00:00Z", 301.25, true));
    TickReport tick = new TickReport(Instant.parse("2026-03-01T10:05:00Z"), Optional.of(now), forecast,
        Optional.empty(), List.of(), Map.of());
    Answer answer = new SiteCarbon("DE", () -> Optional.of(tick)).answer();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Files.readString(fixture).strip());
  }

  @Test
  void beforeTheFirstTickTheDocumentHasNoSignal() {
    JsonNode body = JSON.readTree(new SiteCarbon("DE", Optional::empty).answer().body());
    assertThat(body.get("signal").isNull()).isTrue();
    assertThat(body.get("as_of").isNull()).isTrue();
    assertThat(body.get("forecast").isEmpty()).isTrue();
  }

  private static CarbonSignal signal(String start, double value, boolean estimated) {
    Instant s = Instant.parse(start);
    return new CarbonSignal("DE", s, s.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(value),
        SignalKind.AVERAGE, "electricitymaps", estimated);
  }
}
