package io.carbongovernor.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.config.FleetReportConfig;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.report.ReportFormat;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduled fleet report on a SQLite history (the same report code reads a PostgreSQL one):
 * the week before the firing's day, one file for the fleet and one per team, written whole.
 */
class FleetReportTest {

  /** A Monday 06:00: the week reported is Monday 2 to Sunday 8 November. */
  private static final Instant MONDAY = Instant.parse("2026-11-09T06:00:00Z");
  private static final Gpu GPU0 = gpu(0, "GPU-3f1c9a52-7b8e-4d21-a6c0-5e9d2b7f4a10");
  private static final Gpu GPU1 = gpu(1, "GPU-8a24d6e1-0c5f-4b93-9e7a-1d3c6f8b2e54");

  @TempDir Path dir;

  private static Gpu gpu(int index, String uuid) {
    return new Gpu(index, uuid, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  }

  private static EnergyRecord hour(String at, Gpu gpu, String team, String job, double watts) {
    Instant start = Instant.parse(at);
    Duration busy = Duration.ofHours(1);
    Energy energy = Energy.ofJoules(watts * 3600);
    return new EnergyRecord(start, start.plus(busy), gpu, team, job, energy, energy,
        Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(300), Power.ofWatts(300), busy, Duration.ZERO,
        Duration.ZERO, "default");
  }

  private String history() {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    try (HistoryStore store = HistoryStore.open(url)) {
      store.recordEnergy(List.of(
          hour("2026-11-02T00:00:00Z", GPU0, "vision", "resnet50-train", 250),
          hour("2026-11-08T22:00:00Z", GPU1, "nlp", "", 100),
          hour("2026-11-05T10:00:00Z", GPU1, EnergyRecord.IDLE, "", 60),
          hour("2026-11-01T23:00:00Z", GPU0, "early", "", 200), // the week before
          hour("2026-11-09T01:00:00Z", GPU0, "late", "", 200))); // the firing's own day
    }
    return url;
  }

  private FleetReport report(Path out, ReportFormat format, String url) {
    return new FleetReport(new FleetReportConfig("0 0 6 ? * MON", out, Period.ofDays(7), format),
        () -> RollupReader.openReadOnly(url));
  }

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheFleetAndEachTeamForTheWeekBeforeTheFiring() throws Exception {
    String url = history();
    Path out = dir.resolve("reports");
    String result = report(out, ReportFormat.JSON, url).run(MONDAY);

    assertThat(names(out)).containsExactly(
        "fleet_2026-11-02_2026-11-08.json", "team-nlp_2026-11-02_2026-11-08.json", "team-vision_2026-11-02_2026-11-08.json");
    assertThat(result).startsWith("3 reports for 2026-11-02 to 2026-11-08");
    JsonMapper json = JsonMapper.builder().build();
    JsonNode fleet = json.readTree(out.resolve("fleet_2026-11-02_2026-11-08.json").toFile());
    assertThat(fleet.get("totals").get("energy_kwh").asDouble()).isCloseTo(0.41, org.assertj.core.data.Offset.offset(1e-9));
    JsonNode vision = json.readTree(out.resolve("team-vision_2026-11-02_2026-11-08.json").toFile());
    assertThat(vision.get("totals").get("energy_kwh").asDouble()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(vision.toString()).contains("resnet50-train").doesNotContain("nlp");
  }

  @Test
  void htmlReportsAreNamedHtmlAndReplaceTheirEarlierCopy() throws Exception {
    String url = history();
    Path out = Files.createDirectories(dir.resolve("reports"));
    Files.writeString(out.resolve("fleet_2026-11-02_2026-11-08.html"), "stale");
    report(out, ReportFormat.HTML, url).run(MONDAY);
    assertThat(names(out)).contains("fleet_2026-11-02_2026-11-08.html", "team-vision_2026-11-02_2026-11-08.html")
        .allSatisfy(n -> assertThat(n).doesNotEndWith(".tmp"));
    assertThat(Files.readString(out.resolve("fleet_2026-11-02_2026-11-08.html")))
        .startsWith("<!DOCTYPE html>").contains("2026-11-02 to 2026-11-08");
  }

  @Test
  void anUnwritableDirectoryFailsTheFiringAndTheNextFiringWritesOnceItIsFixed() throws Exception {
    String url = history();
    Path out = dir.resolve("reports");
    Files.writeString(out, "a file where the directory should be");
    FleetReport report = report(out, ReportFormat.HTML, url);
    assertThatThrownBy(() -> report.run(MONDAY)).isInstanceOf(IOException.class);

    Files.delete(out);
    report.run(MONDAY.plus(Duration.ofDays(7)));
    assertThat(names(out)).contains("fleet_2026-11-09_2026-11-15.html");
  }
}
