package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedGpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code gpus} and {@code restore} as a user runs them, on simulated GPUs. */
class GpuCommandsTest {

  private static final String GPU0 = "GPU-5a5a0000-0000-4000-8000-000000000000";
  private static final String GPU1 = "GPU-5a5a0000-0000-4000-8000-000000000001";

  @TempDir Path dir;

  private Path config(String gpuSection) throws IOException {
    Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, String.join("\n",
        "zone: US-CAL-CISO",
        "state-dir: state",
        gpuSection,
        "carbon:",
        "  sources:",
        "    - {type: trace, file: missing-is-fine-for-these-commands.csv}",
        "teams-dir: teams.d",
        ""));
    return file;
  }

  private Path simulated() throws IOException {
    return config("gpu: {backend: simulated, simulated: {count: 2, model: v100}}");
  }

  @Test
  void gpusListsEveryGpuAsText() throws IOException {
    CommandRun run = CommandRun.of("gpus", "--config", simulated().toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out())
        .contains("2 GPU(s), backend simulated (simulated by this command, not a running daemon's GPUs)")
        .contains("gpu0  " + GPU0 + "  Tesla V100 (simulated)")
        .contains("gpu1  " + GPU1)
        .contains("pid " + (SimulatedGpus.FIRST_PID + 1) + "  owner unknown  8192 MiB"); // a pid no real process has
  }

  /** The limit set now is told apart from the driver's default, which status's original need not be. */
  @Test
  void gpusNamesEachLimit() throws IOException {
    CommandRun run = CommandRun.of("gpus", "--config", simulated().toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out())
        .contains("  current limit  250 W (set now; the GPU enforces 250 W)\n")
        .contains("  default limit  250 W (the driver's; the daemon restores the limit it found)\n")
        .contains("  allowed limits 100 W to 250 W\n");
    JsonNode gpu = JsonMapper.builder().build()
        .readTree(CommandRun.of("gpus", "--config", simulated().toString(), "--format", "json").out()).get("gpus").get(0);
    assertThat(gpu.propertyNames()).contains("current_limit_w", "enforced_limit_w", "default_limit_w")
        .doesNotContain("limit_w");
  }

  @Test
  void gpusAsJson() throws IOException {
    CommandRun run = CommandRun.of("gpus", "--config", simulated().toString(), "--format", "json");
    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode doc = JsonMapper.builder().build().readTree(run.out());
    assertThat(doc.get("backend").asString()).isEqualTo("simulated");
    assertThat(doc.get("gpus")).hasSize(2);
    JsonNode gpu1 = doc.get("gpus").get(1);
    assertThat(gpu1.get("index").asInt()).isEqualTo(1);
    assertThat(gpu1.get("uuid").asString()).isEqualTo(GPU1);
    assertThat(gpu1.get("current_limit_w").asDouble()).isEqualTo(250.0);
    assertThat(gpu1.get("min_limit_w").asDouble()).isEqualTo(100.0);
    assertThat(gpu1.get("enforced_limit_w").asDouble()).isEqualTo(250.0);
    assertThat(gpu1.get("energy_j").isNumber()).isTrue();
    assertThat(gpu1.get("processes").get(0).get("pid").asLong()).isEqualTo(SimulatedGpus.FIRST_PID + 1);
  }

  @Test
  void gpusWithABadFormatIsAUsageError() throws IOException {
    assertThat(CommandRun.of("gpus", "--config", simulated().toString(), "--format", "xml").exitCode()).isEqualTo(2);
  }

  /** One line: which library, that the driver is missing, what to do; not the loader's search path. */
  @Test
  void withoutTheNvidiaDriverGpusSaysSoOnOneLine() throws IOException {
    Path cfg = config("gpu: {backend: nvml, nvml-library: libnvidia-ml-not-installed.so.1}");
    CommandRun run = CommandRun.of("gpus", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .startsWith("carbon-governor gpus: cannot load NVML (libnvidia-ml-not-installed.so.1): the NVIDIA driver is"
            + " not installed")
        .contains("No such file or directory")
        .contains("Install the NVIDIA driver, or, to run without NVIDIA GPUs, set 'backend: simulated' under 'gpu:' in "
            + cfg)
        .doesNotContain("Search paths");
  }

  @Test
  void withoutAmdSmiGpusSaysSoOnOneLineAndNamesAnOlderRocmSmi() throws IOException {
    Path rocm = Files.createDirectories(dir.resolve("rocm"));
    Path cfg = config("gpu: {backend: amdsmi, amdsmi-library: " + rocm.resolve("libamd_smi.so") + "}");
    CommandRun run = CommandRun.of("gpus", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .contains("cannot load AMD SMI from " + rocm.resolve("libamd_smi.so") + " (gpu.amdsmi-library): ")
        .contains("No such file or directory")
        .contains("to run without AMD GPUs, set 'backend: simulated'")
        .doesNotContain("ROCm SMI");

    Files.writeString(rocm.resolve("librocm_smi64.so.7"), "");
    run = CommandRun.of("gpus", "--config", cfg.toString());
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains("ROCm SMI (" + rocm.resolve("librocm_smi64.so.7") + ") is installed, but the amdsmi"
        + " backend needs AMD SMI (libamd_smi.so, ROCm 6 or newer)");
  }

  @Test
  void autoWithoutAnyVendorLibrarySaysWhatEachAnswered() throws IOException {
    Path cfg = config("gpu: {backend: auto, nvml-library: /nonexistent/libnvidia-ml.so.1,"
        + " amdsmi-library: /nonexistent/libamd_smi.so}");
    CommandRun run = CommandRun.of("gpus", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .contains("gpu.backend: auto found no vendor library that sees a GPU")
        .contains("amdsmi (/nonexistent/libamd_smi.so): cannot load AMD SMI library")
        .contains("nvml (/nonexistent/libnvidia-ml.so.1): cannot load NVML library");
  }

  @Test
  void aConfiguredNvmlPathThatIsMissingIsNamedOnOneLine() throws IOException {
    Path cfg = config("gpu: {backend: nvml, nvml-library: /nonexistent/libnvidia-ml.so.1}");
    CommandRun run = CommandRun.of("gpus", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .contains("cannot load NVML from /nonexistent/libnvidia-ml.so.1 (gpu.nvml-library): ")
        .contains("No such file or directory")
        .contains("backend: simulated");
  }

  @Test
  void restoreWithoutLedgerHasNothingToDo() throws IOException {
    CommandRun run = CommandRun.of("restore", "--config", simulated().toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).contains("nothing to restore");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void restoreSetsEveryLedgeredGpuToItsOriginalAndClearsTheLedger() throws IOException {
    Path cfg = simulated();
    try (Ledger ledger = Ledger.open(dir.resolve("state"))) {
      // The simulated GPUs start at 250 W: the limit the daemon last set on GPU0.
      ledger.recordOriginal(GPU0, Power.ofWatts(200));
      ledger.recordSet(GPU0, Power.ofWatts(200), Power.ofWatts(250));
      ledger.recordOriginal(GPU1, Power.ofWatts(250));
    }
    CommandRun run = CommandRun.of("restore", "--config", cfg.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out())
        .contains("gpu0 " + GPU0 + ": ok to 200 W: restored")
        .contains("gpu1 " + GPU1 + ": ok to 250 W: already-at-original")
        .contains("2 GPU(s) at their original power limit; ledger cleared");
    try (Ledger after = Ledger.open(dir.resolve("state"))) {
      assertThat(after.isEmpty()).isTrue();
    }
    assertThat(CommandRun.of("restore", "--config", cfg.toString()).out()).contains("nothing to restore: no GPU in the ledger");
  }

  @Test
  void aGpuThatCannotBeRestoredStaysInTheLedgerAndExitsOne() throws IOException {
    Path cfg = simulated();
    try (Ledger ledger = Ledger.open(dir.resolve("state"))) {
      ledger.recordOriginal("GPU-not-on-this-node", Power.ofWatts(300));
      ledger.recordOriginal(GPU0, Power.ofWatts(200));
    }
    CommandRun run = CommandRun.of("restore", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("GPU-not-on-this-node: NOT restored").contains("1 of 2 GPU(s) not restored");
    try (Ledger after = Ledger.open(dir.resolve("state"))) {
      assertThat(after.originalLimits()).containsOnlyKeys("GPU-not-on-this-node");
    }
  }

  @Test
  void restoreOnAnInvalidConfigIsExit78() throws IOException {
    Path cfg = simulated();
    Files.writeString(cfg, Files.readString(cfg) + "bogus-key: 1\n");
    CommandRun run = CommandRun.of("restore", "--config", cfg.toString());
    assertThat(run.exitCode()).isEqualTo(78);
    assertThat(run.err()).contains("bogus-key");
  }
}
