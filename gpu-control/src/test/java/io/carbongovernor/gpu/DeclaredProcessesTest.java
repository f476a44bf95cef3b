package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes on simulated GPUs: on a /proc tree laid out by hand, and on the host's own
 * /proc with a child started with the variable.
 */
class DeclaredProcessesTest {

  @TempDir Path proc;
  private long me;
  private final SimulatedGpuControl sim = SimulatedGpus.builder().count(3).clock(Clock.systemUTC()).build();
  private final List<Gpu> gpus = sim.gpus();
  private Process child;

  @BeforeEach
  void owner() throws Exception {
    me = ((Number) Files.getAttribute(proc, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  /** A process directory with this environment (entries joined by NULs, as the kernel writes it). */
  private void process(String pid, String... environment) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(pid));
    Files.write(dir.resolve("environ"), (String.join("\0", environment) + "\0").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aProcessRunsOnTheGpusItsEnvironmentNamesByIndexOrUuid() throws Exception {
    process("100", "HOME=/home/ana", "CARBON_GOVERNOR_SIMULATED_GPUS=1");
    process("101", "CARBON_GOVERNOR_SIMULATED_GPUS= 0 ,gpu-5A5A0000-0000-4000-8000-000000000002", "LANG=C");
    process("102", "PATH=/bin"); // no variable: a process like any other
    process("103", "XCARBON_GOVERNOR_SIMULATED_GPUS=0", "CARBON_GOVERNOR_SIMULATED_GPUS_OLD=0"); // other variables
    process("104", "CARBON_GOVERNOR_SIMULATED_GPUS=7,x,,-1"); // no such GPU
    process("self", "CARBON_GOVERNOR_SIMULATED_GPUS=0"); // not a pid
    DeclaredProcesses declared = DeclaredProcesses.under(proc, me);

    assertThat(declared.on(gpus.get(0))).containsExactly(101L);
    assertThat(declared.on(gpus.get(1))).containsExactly(100L);
    assertThat(declared.on(gpus.get(2))).containsExactly(101L);
  }

  @Test
  void anotherUsersProcessesAndOversizedEnvironmentsAreNotRead() throws Exception {
    process("100", "CARBON_GOVERNOR_SIMULATED_GPUS=0");
    process("200", "PAD=" + "x".repeat(DeclaredProcesses.MAX_ENVIRON_BYTES), "CARBON_GOVERNOR_SIMULATED_GPUS=0");
    assertThat(DeclaredProcesses.under(proc, me + 1).on(gpus.get(0))).as("the files belong to another uid").isEmpty();
    assertThat(DeclaredProcesses.under(proc, me).on(gpus.get(0))).containsExactly(100L);
    assertThat(DeclaredProcesses.under(proc.resolve("missing"), me).on(gpus.get(0))).isEmpty();
    assertThat(DeclaredProcesses.none().on(gpus.get(0))).isEmpty();
  }

  @Test
  void theSimulatedBackendListsARealChildThatDeclaresItsGpuAfterItsSimulatedWork() throws Exception {
    ProcessBuilder sleep = new ProcessBuilder("sleep", "60");
    sleep.environment().putAll(Map.of(DeclaredProcesses.VARIABLE, "1"));
    child = sleep.start();
    SimulatedGpuControl withReal =
        SimulatedGpus.builder().count(2).processMemoryBytes(1024).declaredProcesses(DeclaredProcesses.system()).build();
    Gpu gpu1 = withReal.gpus().get(1);

    assertThat(withReal.processes(gpu1))
        .containsSubsequence(new GpuProcess(SimulatedGpus.FIRST_PID + 1, 1024), new GpuProcess(child.pid(), 1024));
    assertThat(withReal.processes(withReal.gpus().get(0))).extracting(GpuProcess::pid).doesNotContain(child.pid());
    assertThat(withReal.accountOf(child.pid())).as("a real process's owner is /proc's to say").isEmpty();

    child.destroy();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(withReal.processes(gpu1)).extracting(GpuProcess::pid).doesNotContain(child.pid());
  }
}
