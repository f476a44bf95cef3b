package io.carbongovernor.daemon.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code carbon-governor when}, run in process at a pinned time as a user runs it. */
class WhenCommandTest {

  /** Half past midnight: the day's clean window in {@link #traceWithWindow} opens at 10:00. */
  static final Instant NOW = Instant.parse("2026-03-02T00:30:00Z");

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run run(Instant now, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine(Clock.fixed(now, ZoneOffset.UTC));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run run(String... args) {
    return run(NOW, args);
  }

  /** Hourly from 2026-03-01 for four days at 400 g/kWh, but 50 from 10:00 to 18:00 UTC on 2026-03-02. */
  Path traceWithWindow() throws Exception {
    StringBuilder csv = new StringBuilder("time,value\n");
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    for (int h = 0; h < 96; h++, t = t.plus(Duration.ofHours(1))) {
      boolean clean = h >= 34 && h < 42;
      csv.append(t).append(',').append(clean ? 50 : 400).append('\n');
    }
    Path file = dir.resolve("window.csv");
    Files.writeString(file, csv);
    return file;
  }

  @Test
  void printsTheKnownBestWindowAsLocalTimeAndDetailsOnStandardError() throws Exception {
    Run r = run("when", "--expected", "6h", "--deadline", "24h", "--trace", traceWithWindow().toString(),
        "--time-zone", "Europe/Berlin");
    assertThat(r.exit()).as(r.err()).isZero();
    // 10:00 UTC is 11:00 in Berlin (CET) that day.
    assertThat(r.out()).isEqualTo("2026-03-02T11:00:00\n");
    assertThat(r.err()).contains("start     2026-03-02T11:00:00 Europe/Berlin (in 9h30m)")
        .contains("latest    2026-03-02T18:57:00 (deadline 2026-03-03T01:30:00)")
        .contains("expected  50 g/kWh over the run, against 400 g/kWh starting now (-87.5 %)")
        .contains("basis     the forecast from");
  }

  @Test
  void aDeadlineAsLocalTimeIsReadInTheTimeZone() throws Exception {
    // 14:00 in Berlin is 13:00 UTC: the latest start is 13:00 - 6.3 h - 15 min = 06:27 UTC, before the window.
    Run r = run("when", "--expected", "6h", "--deadline", "2026-03-02T14:00", "--trace", traceWithWindow().toString(),
        "--time-zone", "Europe/Berlin");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("2026-03-02T07:27:00\n");
    assertThat(r.err()).contains("latest    2026-03-02T07:27:00 (deadline 2026-03-02T14:00:00)");
  }

  @Test
  void aDeadlineWithAnOffsetAndNoSlowdown() throws Exception {
    Run r = run("when", "--expected", "6h", "--deadline", "2026-03-03T00:00:00Z", "--slowdown", "0", "--margin", "0s",
        "--trace", traceWithWindow().toString(), "--time-zone", "UTC");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("2026-03-02T10:00:00\n");
    assertThat(r.err()).contains("latest    2026-03-02T18:00:00");
  }

  @Test
  void pastItsLatestStartItStartsNow() throws Exception {
    Run r = run("when", "--expected", "6h", "--deadline", "5h", "--trace", traceWithWindow().toString(),
        "--time-zone", "UTC");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("2026-03-02T00:30:00\n");
    assertThat(r.err()).contains("(now)").contains("the latest feasible start has come");
  }

  @Test
  void withNoSignalNoForecastAndNoHistoryItStartsNow() throws Exception {
    // A trace of September only: nothing covers March, before or after.
    Files.writeString(dir.resolve("september.csv"), "time,value\n2026-09-01T00:00:00Z,100\n2026-09-01T01:00:00Z,50\n");
    Run r = run("when", "--expected", "6h", "--deadline", "24h", "--trace", dir.resolve("september.csv").toString(),
        "--time-zone", "UTC");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("2026-03-02T00:30:00\n");
    assertThat(r.err()).contains("nothing known").contains("problem   trace current:");
  }

  @Test
  void theBundledTraceIsTheDefaultAndTheStartIsNeverAfterTheLatest() {
    Instant now = Instant.parse("2026-06-01T07:00:00Z");
    Run r = run(now, "when", "--expected", "6h", "--deadline", "24h", "--time-zone", "UTC", "--format", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = JsonMapper.builder().build().readTree(r.out());
    assertThat(o.get("source").asString()).isEqualTo("bundled trace US-CAL-CISO 2023");
    assertThat(o.get("basis").asString()).isEqualTo("forecast");
    Instant start = LocalDateTime.parse(o.get("start").asString()).toInstant(ZoneOffset.UTC);
    Instant latest = LocalDateTime.parse(o.get("latest_start").asString()).toInstant(ZoneOffset.UTC);
    assertThat(start).isBetween(now, latest);
    assertThat(o.get("start_utc").asString()).isEqualTo(start.toString());
    // California's solar hours (UTC 16:00 to 24:00) are cleaner than its night: it waits for them.
    assertThat(start).isAfter(now.plus(Duration.ofHours(6)));
    assertThat(o.get("change_pct").asDouble()).isNegative();
    assertThat(o.get("problems")).isEmpty();
  }

  @Test
  void configuredSourcesAreAskedInOrderWithTheirForecast() throws Exception {
    Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(
        "{\"zone\":\"US-CAL-CISO\",\"carbonIntensity\":380,\"datetime\":\"" + hour + "\",\"updatedAt\":\"" + hour
            + "\",\"emissionFactorType\":\"direct\",\"isEstimated\":false}")));
    StringBuilder f = new StringBuilder("{\"zone\":\"US-CAL-CISO\",\"forecast\":[");
    for (int i = 0; i < 30; i++) {
      double value = i >= 5 && i < 13 ? 40 : 380;
      f.append(i == 0 ? "" : ",").append("{\"carbonIntensity\":").append(value).append(",\"datetime\":\"")
          .append(hour.plus(i, ChronoUnit.HOURS)).append("\"}");
    }
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(
        f.append("],\"updatedAt\":\"").append(hour).append("\"}").toString())));
    Files.writeString(dir.resolve("em.token"), "em-token-when\n");
    Files.createDirectories(dir.resolve("teams.d"));
    Path config = dir.resolve("governor.yaml");
    Files.writeString(config, "zone: US-CAL-CISO\nteams-dir: teams.d\ncarbon:\n  sources:\n"
        + "    - {type: electricitymaps, token-file: em.token, base-url: '" + wm.baseUrl() + "', timeout: 2s}\n");
    Run r = run("when", "--expected", "6h", "--deadline", "20h", "--config", config.toString(), "--time-zone", "UTC");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("2026-03-02T05:00:00\n");
    assertThat(r.err()).contains("from " + config).doesNotContain("em-token-when");
  }

  @Test
  void anInvalidConfigExits78() throws Exception {
    Path config = dir.resolve("governor.yaml");
    Files.writeString(config, "zone: 12\ncarbon: nonsense\n");
    Run r = run("when", "--expected", "6h", "--deadline", "24h", "--config", config.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no start planned");
  }

  @Test
  void badOptionsAreUsageErrorsWithNothingOnStandardOutput() throws Exception {
    String trace = traceWithWindow().toString();
    String[][] cases = {
      {"--expected", "six hours", "--deadline", "24h"},
      {"--expected", "0s", "--deadline", "24h"},
      {"--expected", "31d", "--deadline", "40d"},
      {"--expected", "6h", "--deadline", "tomorrow"},
      {"--expected", "6h", "--deadline", "2026-13-45T99:00"},
      {"--expected", "6h", "--deadline", "99999999999999999999h"},
      {"--expected", "6h", "--deadline", "24h", "--slowdown", "-5"},
      {"--expected", "6h", "--deadline", "24h", "--format", "xml"},
      {"--expected", "6h", "--deadline", "24h", "--time-zone", "Mars/Olympus"},
      {"--expected", "6h", "--deadline", "24h", "--trace", dir.resolve("missing.csv").toString()},
      {"--expected", "6h", "--deadline", "24h", "--trace", trace, "--config", trace},
      {"--deadline", "24h"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 1];
      args[0] = "when";
      System.arraycopy(c, 0, args, 1, c.length);
      Run r = run(args);
      assertThat(r.exit()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.out()).as(String.join(" ", c)).isEmpty();
      assertThat(r.err()).as(String.join(" ", c)).isNotBlank();
    }
  }

  @Test
  void aTraceThatIsNoTraceIsBadInput() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "this is,not\na trace,at all\n");
    Run r = run("when", "--expected", "6h", "--deadline", "24h", "--trace", bad.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(r.out()).isEmpty();
  }
}
