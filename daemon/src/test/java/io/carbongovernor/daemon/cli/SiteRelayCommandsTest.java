package io.carbongovernor.daemon.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.carbon.SiteCarbonDocument;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code check-config} and {@code sources check} on a relaying daemon's configuration. */
class SiteRelayCommandsTest {

  static final String TOKEN = "site-SECRET-check-3b9d";
  static final Instant NOW = Instant.parse("2026-03-04T10:30:00Z");

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine(Clock.fixed(NOW, ZoneOffset.UTC));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Path config(String rest) throws Exception {
    Files.writeString(dir.resolve("site.token"), TOKEN + "\n");
    Files.createDirectories(dir.resolve("teams.d"));
    return Files.writeString(dir.resolve("governor.yaml"), "zone: DE\nteams-dir: teams.d\n" + rest);
  }

  static CarbonSignal slot(Instant start, double value, boolean estimated) {
    return new CarbonSignal("DE", start, start.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(value),
        SignalKind.AVERAGE, "electricitymaps", estimated);
  }

  @Test
  void sourcesCheckReadsARelayWithItsToken() throws Exception {
    Instant hour = Instant.parse("2026-03-04T10:00:00Z");
    byte[] document = SiteCarbonDocument.write("DE", Optional.of(hour.plusSeconds(300)), Optional.of(slot(hour, 312, false)),
        List.of(slot(hour.plus(Duration.ofHours(1)), 298.5, true), slot(hour.plus(Duration.ofHours(2)), 275, true)));
    wm.stubFor(get(urlPathEqualTo("/v1/carbon")).willReturn(okJson(new String(document, StandardCharsets.UTF_8))));
    Path config = config("carbon:\n  sources:\n    - {type: governor, name: site-a, base-url: '" + wm.baseUrl()
        + "', token-file: site.token}\n");

    Run run = run("sources", "check", "--config", config.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).containsPattern("site-a\\s+DE\\s+312\\.0 g/kWh average\\s+2026-03-04 10:00-11:00")
        .contains("1 of 1 source(s) answered").doesNotContain(TOKEN);
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/carbon")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void checkConfigSaysWhereTheSiteApiServesAndNamesNoSecret() throws Exception {
    Files.writeString(dir.resolve("trace.csv"), "time,value\n2026-03-04T10:00:00Z,300\n");
    Path config = config("carbon:\n  sources:\n    - {type: trace, file: trace.csv}\n"
        + "site-api: {listen: '[::]:9465', token-file: site.token}\n");
    Run run = run("check-config", "--config", config.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("site API on [::]:9465 (plain HTTP, token)").doesNotContain(TOKEN);
  }

  @Test
  void checkConfigExits78WithTheLineAndColumnOfEachRelayMistake() throws Exception {
    Path config = config("carbon:\n  sources:\n    - type: governor\n      token-file: missing.token\n"
        + "site-api:\n  listen: 0.0.0.0:9465\n  tls: {cert-file: site.crt}\n");
    Run run = run("check-config", "--config", config.toString());
    assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(run.err()).contains(
        config + ":5:7: carbon.sources[0]: missing required key 'base-url'",
        config + ":6:19: carbon.sources[0].token-file: secret file " + dir.resolve("missing.token") + " does not exist",
        config + ":9:8: site-api.tls: missing required key 'key-file'",
        config + ":9:20: site-api.tls.cert-file: certificate file " + dir.resolve("site.crt") + " does not exist");
  }
}
