package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate}'s progress as the packaged jar decides it from its real standard error: nothing
 * into a file, a bar on a pseudo-terminal ({@code script} runs it on one).
 */
class ProgressProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));

  @TempDir Path dir;
  private List<String> simulate;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void command() throws IOException {
    Path trace = Files.writeString(dir.resolve("trace.csv"), "time,value\n2026-03-02T00:00:00Z,100\n"
        + "2026-03-02T01:00:00Z,200\n2026-03-02T02:00:00Z,300\n2026-03-02T03:00:00Z,400\n");
    simulate = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
        "simulate", "--trace", trace.toString(), "--profile", "a40", "--workload", "cifar100/shufflenetv2",
        "--batch-size", "128", "--epochs", "10", "--start", "2026-03-02T00:00:00Z", "--policies", "full-speed,static");
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private int run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    started.add(p);
    assertThat(p.waitFor(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS)).as("exits").isTrue();
    return p.exitValue();
  }

  @Test
  void intoAFileNothingIsWrittenToStandardError() throws Exception {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    int exit = run(new ProcessBuilder(simulate).redirectOutput(out.toFile()).redirectError(err.toFile()));
    assertThat(exit).as(Files.readString(err)).isZero();
    assertThat(Files.readString(out)).startsWith("trace ");
    assertThat(err).isEmptyFile();
  }

  @Test
  void onATerminalABarIsDrawnAndClearedBeforeTheResult() throws Exception {
    String line = simulate.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    Path typescript = dir.resolve("typescript");
    int exit = run(new ProcessBuilder("script", "-qec", line, "/dev/null")
        .redirectOutput(typescript.toFile()).redirectErrorStream(true));
    String seen = Files.readString(typescript, StandardCharsets.UTF_8);
    assertThat(exit).as(seen).isZero();
    assertThat(seen).contains("\rsimulate [....................] 0/").contains(": full-speed");
    // The bar is blanked before the result starts on its line.
    assertThat(seen.substring(seen.lastIndexOf("simulate ["))).containsPattern("\r +\rtrace ");
  }
}
