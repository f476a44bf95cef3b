package io.carbongovernor.daemon.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code carbon-governor sources check}, run in process as a user runs it. */
class SourcesCheckCommandTest {

  static final String TOKEN = "em-SECRET-check-77aa";
  static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /**
   * The time the command runs at, pinned: half past an hour, so the forecast's horizon is known to
   * the minute, and no hour boundary falls between the stubs and the command.
   */
  static final Instant NOW = Instant.parse("2026-03-04T10:30:00Z");
  static final Instant HOUR = NOW.truncatedTo(ChronoUnit.HOURS);

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

  Path config(String sources) throws Exception {
    Files.writeString(dir.resolve("em.token"), TOKEN + "\n");
    Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, "zone: US-CAL-CISO\nteams-dir: teams.d\ncarbon:\n  sources:\n" + sources);
    return file;
  }

  String emSource() {
    return "    - {type: electricitymaps, token-file: em.token, base-url: '" + wm.baseUrl() + "', timeout: 2s}\n";
  }

  static String latestNow(double value) {
    return "{\"zone\":\"US-CAL-CISO\",\"carbonIntensity\":" + value + ",\"datetime\":\"" + HOUR
        + "\",\"updatedAt\":\"" + HOUR + "\",\"emissionFactorType\":\"direct\",\"isEstimated\":true,"
        + "\"estimationMethod\":\"TIME_SLICER_AVERAGE\"}";
  }

  static String forecastFrom(Instant hour, int hours) {
    StringBuilder f = new StringBuilder("{\"zone\":\"US-CAL-CISO\",\"forecast\":[");
    for (int i = 0; i < hours; i++) {
      f.append(i == 0 ? "" : ",").append("{\"carbonIntensity\":").append(200 + i).append(",\"datetime\":\"")
          .append(hour.plus(i, ChronoUnit.HOURS)).append("\"}");
    }
    return f.append("],\"updatedAt\":\"").append(hour).append("\"}").toString();
  }

  @Test
  void printsOneRowPerSourceAndExitsZeroWhenOneAnswered() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(latestNow(231.5))));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(forecastFrom(HOUR, 25))));
    wm.stubFor(get(urlPathEqualTo("/intensity")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"nope\"}")));
    Path file = config(emSource()
        + "    - {type: uk, zone: GB, base-url: '" + wm.baseUrl() + "'}\n"
        + "    - {type: trace, file: " + TRACES.resolve("US-CAL-CISO_2023_hourly.csv") + "}\n");

    Run r = run("sources", "check", "--config", file.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).startsWith("SOURCE").contains("ZONE", "CURRENT", "SLOT (UTC)", "LATENCY", "FORECAST", "ERROR");
    // The slot of the current hour, and a forecast to the end of its 25th hour: 24.5 h from 10:30.
    assertThat(lines[1]).startsWith("electricitymaps").contains("US-CAL-CISO", "231.5 g/kWh average (estimated)")
        .contains("2026-03-04 10:00-11:00").containsPattern(" \\d+ ms ").endsWith(" 24.5 h");
    assertThat(lines[2]).startsWith("uk").contains("GB").contains("auth: uk: GET /intensity: HTTP 401 (nope)");
    assertThat(lines[3]).startsWith("trace").contains("g/kWh average").containsPattern("\\d+\\.\\d h");
    assertThat(lines[4]).isEqualTo("2 of 3 source(s) answered");
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest")).withHeader("auth-token", equalTo(TOKEN)));
  }

  @Test
  void exitsOneWhenNoSourceAnswered() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(aResponse().withStatus(400)
        .withBody("{\"error\":\"Zone key US-CAL-CISO is not a valid zone for token " + TOKEN + "\"}")));
    Run r = run("sources", "check", "--config", config(emSource()).toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("not-found: electricitymaps: GET /v3/carbon-intensity/latest: HTTP 400")
        .contains("[redacted]").contains("0 of 1 source(s) answered").doesNotContain(TOKEN);
  }

  @Test
  void anInvalidConfigExits78WithItsProblems() throws Exception {
    Path file = config("    - {type: uk, region: '99'}\n");
    Run r = run("sources", "check", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(78);
    assertThat(r.err()).contains(file + ":5:").contains("expected a region id 1 to 17");
  }

  @Test
  void sourcesWithoutASubcommandIsAUsageError() {
    Run r = run("sources");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing subcommand: check");
  }
}
