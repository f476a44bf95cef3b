package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.cli.CarbonGovernorCommand;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What each row and figure of a report is called, in every format, and the range it covers. */
class ReportLabelsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private String url;
  private Path config;
  private String out;
  private String err;

  @BeforeEach
  void history() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("history.db");
    config = dir.resolve("governor.yaml");
    Files.writeString(config, "zone: Z\ncarbon: {sources: [{type: uk}]}\nhistory: {url: \"" + url + "\"}\n");
  }

  @Test
  void gpuRowsShowTheWholeUuidAndTheIndexInIndexOrder() throws Exception {
    // Four GPUs whose UUIDs share their first 39 characters; index 0 has the last UUID.
    List<EnergyRecord> rows = new ArrayList<>();
    for (int index = 0; index < 4; index++) {
      Gpu gpu = gpu(index, "GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a1" + (3 - index));
      rows.add(minute(gpu, "vision", "bert", Instant.parse("2026-12-03T10:00:00Z"), 200 + 10 * index, 1.0));
    }
    write(rows);

    String text = report("--by", "gpu");
    List<String> lines = text.lines().filter(l -> l.startsWith("GPU-")).toList();
    assertThat(lines).hasSize(4);
    for (int index = 0; index < 4; index++) {
      assertThat(lines.get(index)).startsWith("GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a1" + (3 - index) + " (index " + index + ")");
    }
    List<String> csv = report("--by", "gpu", "--format", "csv").lines().toList();
    assertThat(csv.get(0)).startsWith("gpu,gpu_indices,energy_kwh,");
    assertThat(csv.get(1)).startsWith("GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a13,0,");
    assertThat(csv.get(4)).startsWith("GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a10,3,");
    JsonNode json = JSON.readTree(report("--by", "gpu", "--format", "json"));
    assertThat(json.get("rows").get(2).get("key").stringValue()).isEqualTo("GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a11");
    assertThat(json.get("rows").get(2).get("gpu_indices").get(0).intValue()).isEqualTo(2);
    assertThat(report("--by", "gpu", "--format", "html")).contains("<td>GPU-5e3c1a7b-2f4d-4c8e-9b1a-6d2f0c8e3a12 (index 1)</td>");
  }

  @Test
  void energyOutsideAnyJobIsLabelledNoJobInEveryFormat() throws Exception {
    Instant t = Instant.parse("2026-12-03T10:00:00Z");
    write(List.of(minute(gpu(0, "GPU-a"), "vision", "bert", t, 200, 1.25), minute(gpu(1, "GPU-b"), "nlp", "", t, 150, 1.0)));

    List<String> text = report("--by", "job").lines().toList();
    assertThat(text).anySatisfy(l -> assertThat(l).startsWith("(no job) "));
    assertThat(text).noneSatisfy(l -> assertThat(l).startsWith(" "));
    assertThat(report("--by", "job", "--format", "csv").lines()).contains(
        "(no job),0.002500,0.000750,0.000750,0.000000,0.000,0.0000,0.000,300.00,0.000,0.000000");
    JsonNode json = JSON.readTree(report("--by", "job", "--format", "json"));
    assertThat(json.get("rows").findValuesAsString("key")).containsExactly("(no job)", "bert");
    assertThat(report("--by", "job", "--format", "html")).contains("<td>(no job)</td>");
    // The label selects that energy too.
    assertThat(report("--job", "(no job)")).contains("nlp").doesNotContain("vision");
  }

  @Test
  void smallFiguresReadInGramsAndWattHoursLargeInKilograms() throws Exception {
    Instant t = Instant.parse("2026-12-03T10:00:00Z");
    List<EnergyRecord> rows = new ArrayList<>();
    for (int m = 0; m < 10; m++) {
      // 120 W for a minute = 2 Wh at 300 g/kWh = 0.6 g; the baseline 1.2 times that.
      rows.add(minute(gpu(0, "GPU-a"), "vision", "bert", t.plusSeconds(60L * m), 120, 1.2));
    }
    write(rows);

    String text = report();
    assertThat(text).contains("20.0 Wh", "6.00 g", "7.20 g", "1.20 g").doesNotContain("0.000", "0.00 kg");
    assertThat(report("--format", "html")).contains("<b>1.20 g CO2e avoided</b>", "<td>6.00 g</td>").doesNotContain("0.000");
    // Machine formats keep their units, named in the columns.
    assertThat(report("--format", "csv").lines()).contains("vision,0.020000,0.006000,0.007200,0.001200,16.667,0.0000,0.000,300.00,0.000,0.000000");
    JsonNode json = JSON.readTree(report("--format", "json"));
    assertThat(json.get("totals").get("emissions_kg").doubleValue()).isCloseTo(0.006, within(1e-12));

    // Two hours at 3 kW on top: kilograms.
    List<EnergyRecord> big = new ArrayList<>();
    for (int m = 0; m < 120; m++) {
      big.add(minute(gpu(1, "GPU-b"), "nlp", "", t.plusSeconds(60L * m), 3000, 1.0));
    }
    write(big);
    assertThat(report()).contains("1.80 kg").contains("6.00 kWh");
  }

  @Test
  void theRangeReadsAsTypedWithTheLastDayIncluded() throws Exception {
    Gpu gpu = gpu(0, "GPU-a");
    write(List.of(
        minute(gpu, "vision", "bert", Instant.parse("2026-11-30T23:59:00Z"), 100, 1.0),
        minute(gpu, "vision", "bert", Instant.parse("2026-12-01T00:00:00Z"), 200, 1.0),
        minute(gpu, "vision", "bert", Instant.parse("2026-12-07T23:59:00Z"), 400, 1.0),
        minute(gpu, "vision", "bert", Instant.parse("2026-12-08T00:00:00Z"), 800, 1.0)));

    String text = report("--from", "2026-12-01", "--to", "2026-12-07");
    assertThat(text.lines().findFirst().orElseThrow()).isEqualTo("Carbon Governor report 2026-12-01 to 2026-12-07");
    assertThat(text).doesNotContain("2026-12-08");
    // 200 W and 400 W for a minute each: 10 Wh; neither neighbour of the range.
    assertThat(JSON.readTree(report("--from", "2026-12-01", "--to", "2026-12-07", "--format", "json")).get("totals")
        .get("energy_kwh").doubleValue()).isCloseTo(0.010, within(1e-12));
    String html = report("--from", "2026-12-01", "--to", "2026-12-07", "--format", "html");
    assertThat(html).contains("<p class=\"range\">2026-12-01 to 2026-12-07</p>", "History of 1 Dec 2026 to 7 Dec 2026 (UTC)");
    // Only the chart's time axis ends at the midnight after the last day.
    assertThat(html.replaceAll("data-time=\"[^\"]*\"", "").replaceAll("<svg[\\s\\S]*?</svg>", ""))
        .doesNotContain("2026-12-08", "8 Dec");
    JsonNode json = JSON.readTree(report("--from", "2026-12-01", "--to", "2026-12-07", "--format", "json"));
    assertThat(json.get("period").stringValue()).isEqualTo("2026-12-01 to 2026-12-07");
    assertThat(json.get("to").stringValue()).isEqualTo("2026-12-08T00:00:00Z");

    assertThat(report("--from", "2026-12-07", "--to", "2026-12-07").lines().findFirst().orElseThrow())
        .isEqualTo("Carbon Governor report 2026-12-07");
    assertThat(report("--from", "2026-12-07T12:00:00Z", "--to", "2026-12-08T00:00:00Z").lines().findFirst().orElseThrow())
        .isEqualTo("Carbon Governor report 2026-12-07T12:00:00Z to 2026-12-08T00:00:00Z (end excluded)");
  }

  @Test
  void withoutDatesTheLastThirtyDaysAreReportedTodayIncluded() throws Exception {
    Gpu gpu = gpu(0, "GPU-a");
    Instant hourAgo = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
    write(List.of(
        minute(gpu, "vision", "bert", hourAgo, 600, 1.0),
        minute(gpu, "vision", "bert", hourAgo.minus(Duration.ofDays(20)), 300, 1.0),
        minute(gpu, "vision", "bert", hourAgo.minus(Duration.ofDays(40)), 1200, 1.0)));

    JsonNode json = JSON.readTree(report(List.of("--format", "json")));
    // 600 W and 300 W for a minute each: 15 Wh; the row of 40 days ago is not in the range.
    assertThat(json.get("totals").get("energy_kwh").doubleValue()).isCloseTo(0.015, within(1e-12));
    assertThat(json.get("period").stringValue()).endsWith("(the last 30 days)");
    assertThat(Duration.between(Instant.parse(json.get("from").stringValue()), Instant.parse(json.get("to").stringValue())))
        .isEqualTo(Duration.ofDays(30));
  }

  private static Gpu gpu(int index, String uuid) {
    return new Gpu(index, uuid, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  }

  /** One minute's row at 300 g/kWh, its baseline {@code baselineFactor} times its energy. */
  private static EnergyRecord minute(Gpu gpu, String team, String job, Instant start, double watts, double baselineFactor) {
    return new EnergyRecord(start, start.plusSeconds(60), gpu, team, job, Energy.ofJoules(watts * 60),
        Energy.ofJoules(watts * 60 * baselineFactor), Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(300),
        Power.ofWatts(300), Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO, "default");
  }

  private void write(List<EnergyRecord> rows) {
    try (HistoryStore store = HistoryStore.open(url)) {
      store.recordEnergy(rows);
    }
  }

  /** The report of the first week of December 2026 with these options added. */
  private String report(String... extra) {
    List<String> args = new ArrayList<>(List.of("--from", "2026-12-01", "--to", "2026-12-07"));
    for (String e : extra) {
      args.add(e);
    }
    if (args.subList(2, args.size()).contains("--from")) {
      args = args.subList(4, args.size());
    }
    return report(args);
  }

  private String report(List<String> options) {
    List<String> args = new ArrayList<>(List.of("report", "--config", config.toString()));
    args.addAll(options);
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    int code = cl.execute(args.toArray(String[]::new));
    out = o.toString();
    err = e.toString();
    assertThat(code).as(err).isZero();
    return out;
  }
}
