package io.carbongovernor.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.bench.PageTemplate;
import io.carbongovernor.bench.fleet.FleetBench.Measured;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetPageTest {

  private static final Map<String, String> SERVER = Map.of("server_version", "15.18", "fsync", "on",
      "synchronous_commit", "on", "shared_buffers", "1GB", "max_connections", "600");

  private static Measured measured(int nodes, double drain, long arrived) {
    int gpus = nodes * 8;
    return new Measured(nodes, gpus, gpus / 5.0, drain, drain * 1.08, arrived, gpus * 12L, 0,
        Map.of("energy_raw", 400.0, "energy_minute", 440.0, "energy_hour", 1380.0), 104_000_000, gpus * 8760L,
        gpus * 365L, 2.5, 0.3, "1.00, 2.00, 3.00");
  }

  @Test
  void theTemplateIsFilledWholeFromTheRunAndItsFindingsFollowTheFigures() throws Exception {
    PageTemplate page = PageTemplate.read(Path.of("templates/fleet.md"));

    FleetPage.fill(page, SERVER, List.of(10, 100), List.of(measured(10, 16_000, 960), measured(100, 20_000, 9000)));
    String text = page.render();

    assertThat(text).contains("{{header}}").doesNotContainPattern("\\{\\{(?!header)")
        .contains("# The fleet's history on one PostgreSQL: 10 and 100 nodes")
        .contains("This run measured 10 and 100 nodes; `bench/fleet` with no sizes measures 10, 100 and 500.")
        .contains("| 100 | 800 | 160 | 20,000 | 125x | 21,600 | 9,000 / 9,600 | 0 |")
        .contains("took 20,000 raw rows a second, with their rollups, from 100 nodes at once")
        .contains("100 nodes had 9,000 of 9,600 raw rows arrive")
        .contains("0.30 s for 800 GPUs (0.30 s for 80), under the 5 s target");
  }

  @Test
  void theDefaultSizesNeedNoNote() throws Exception {
    PageTemplate page = PageTemplate.read(Path.of("templates/fleet.md"));

    FleetPage.fill(page, SERVER, FleetBench.DEFAULT_SIZES,
        List.of(measured(10, 16_000, 960), measured(100, 22_000, 9600), measured(500, 20_000, 48_000)));

    assertThat(page.render()).contains("10, 100 and 500 nodes").doesNotContain("This run measured")
        .contains("At the real cadence every row arrived and no spool kept anything, at every fleet size.")
        .contains("The drain rate stays within 10 %");
  }
}
