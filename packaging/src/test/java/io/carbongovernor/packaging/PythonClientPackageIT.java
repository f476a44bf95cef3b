package io.carbongovernor.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python client as the {@code .deb} ships it, for Debian's python3: its files, its command,
 * and a PyTorch job trained through its context manager against the packaged daemon, whose
 * energy then shows in {@code carbon-governor report --by job}.
 */
class PythonClientPackageIT {

  private static final Path SOURCE = Path.of(System.getProperty("carbon-governor.source-root"));
  private static final Path FAKE_NVML = Path.of(System.getProperty("fake-nvml.library")).toAbsolutePath().normalize();
  private static final String DIST_PACKAGES = "/usr/lib/python3/dist-packages";
  private static final String PYTHON = "/usr/bin/python3";
  private static final String SKIP_TORCH = "carbon-governor.skip-torch-tests";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Path deb;
  /** Path in the package to its mode. */
  private static Map<String, String> modes;

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void listPackage() throws Exception {
    Path target = Path.of(System.getProperty("carbon-governor.deb-dir"));
    try (Stream<Path> files = Files.list(target)) {
      deb = files.filter(p -> p.getFileName().toString().matches("carbon-governor_.*_all\\.deb")).findFirst().orElseThrow();
    }
    modes = new TreeMap<>();
    for (String line : Commands.run("dpkg-deb", "-c", deb.toString()).lines().toList()) {
      String[] f = line.trim().split("\\s+", 6);
      modes.put(f[5].substring(1).replaceAll("/$", ""), f[0]);
    }
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void shipsThePackageForTheSystemPythonAndItsCommand() throws IOException {
    List<String> expected = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCE.resolve("clients/python/carbon_governor"))) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".py") || n.equals("py.typed"))
          .forEach(n -> expected.add(DIST_PACKAGES + "/carbon_governor/" + n));
    }
    List<String> shipped =
        modes.keySet().stream().filter(p -> p.startsWith(DIST_PACKAGES + "/carbon_governor/")).toList();

    assertThat(expected).contains(DIST_PACKAGES + "/carbon_governor/py.typed", DIST_PACKAGES + "/carbon_governor/job.py");
    assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);
    shipped.forEach(p -> assertThat(modes.get(p)).as(p).isEqualTo("-rw-r--r--"));
    assertThat(modes.get("/usr/bin/carbon-governor-client")).isEqualTo("-rwxr-xr-x");
  }

  @Test
  void theUnpackedCommandRunsUnderTheSystemPython() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Finished help = runToEnd(client(root, "--help"));
    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output()).contains("register").contains("list");

    Finished noDaemon = runToEnd(client(root, "--socket", dir.resolve("none.sock").toString(), "list"));
    assertThat(noDaemon.exit()).isEqualTo(1);
    assertThat(noDaemon.output()).contains("cannot reach the daemon at unix:" + dir.resolve("none.sock"));
  }

  /**
   * The packaged daemon on the fake NVML (the production binding, GPUs in a state file) with the
   * training process listed as a compute process on GPU 1, as NVML lists a process with a CUDA
   * context: the daemon sees the job there, governs the GPU and accounts its energy to the job,
   * which the report then lists by name.
   */
  @Test
  void aPyTorchJobTrainedThroughTheContextManagerShowsInTheReportByJob() throws Exception {
    requireTorch();
    assertThat(FAKE_NVML).as("fake NVML built by gpu-control's test build").isRegularFile();
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Path hardware = dir.resolve("gpus.state");
    Files.writeString(hardware, "procs.0=\nprocs.1=\n");
    Path config = config(root);
    LocalDate day = LocalDate.now(ZoneOffset.UTC);

    ProcessBuilder daemonCommand = Commands.launcher(root, "run", "--config", config.toString());
    daemonCommand.environment().put("FAKE_NVML_STATE", hardware.toString());
    daemonCommand.environment().put("FAKE_NVML_DEVICE_COUNT", "2");
    Process daemon = start(daemonCommand.redirectErrorStream(true));
    BlockingQueue<String> log = Commands.lines(daemon);
    Commands.until(log, l -> l.contains("controlling"), 60);

    ProcessBuilder training =
        new ProcessBuilder(PYTHON, SOURCE.resolve("packaging/src/test/python/train_mlp.py").toString())
            .redirectError(dir.resolve("train.err").toFile());
    training.environment().keySet().removeIf(k -> k.startsWith("CUDA_") || k.startsWith("CARBON_GOVERNOR_"));
    training.environment().put("PYTHONPATH", root.resolve(DIST_PACKAGES.substring(1)).toString());
    training.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    training.environment().put("CARBON_GOVERNOR_SOCKET", dir.resolve("run/api.sock").toString());
    training.environment().put("CUDA_VISIBLE_DEVICES", "1");
    Process train = start(training);
    runOnGpu(hardware, 1, train.pid());
    String out = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(train.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(train.exitValue()).as(out + "\n" + Files.readString(dir.resolve("train.err"))).isZero();

    JsonNode run = JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(run.get("client").stringValue()).startsWith(root.toString()); // the packaged client, not a checkout's
    assertThat(run.get("registration").get("gpus")).hasToString("[1]");
    assertThat(run.get("steps").intValue()).isEqualTo(320);
    assertThat(run.get("listed").get("progress").get("metric").get("name").stringValue()).isEqualTo("loss");
    assertThat(run.get("outcome").get("finished").booleanValue()).isTrue();
    assertThat(run.get("outcome").get("energy_kwh").doubleValue()).isPositive();

    Finished report =
        runToEnd(Commands.launcher(root, "report", "--config", config.toString(), "--from", day.toString(),
            "--to", LocalDate.now(ZoneOffset.UTC).toString(), "--by", "job", "--format", "json"));
    assertThat(report.exit()).as(report.output()).isZero();
    JsonNode rows = JSON.readTree(report.output()).get("rows");
    JsonNode job = null;
    for (JsonNode row : rows) {
      if ("mlp-random".equals(row.get("key").stringValue())) {
        job = row;
      }
    }
    assertThat(job).as(report.output()).isNotNull();
    assertThat(job.get("energy_kwh").doubleValue()).isPositive();
    assertThat(job.get("emissions_kg").doubleValue()).isPositive();

    daemon.toHandle().destroy();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
  }

  /** The daemon's configuration: the fake NVML, a tick and a sample every second, the packaged trace. */
  private Path config(Path root) throws IOException {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path config = dir.resolve("governor.yaml");
    Files.writeString(config, String.join("\n",
        "zone: US-CAL-CISO",
        "interval: 1s",
        "sample-every: 1s",
        "state-dir: " + dir.resolve("state"),
        "gpu: {backend: nvml, nvml-library: " + FAKE_NVML + ", lock-dir: " + dir.resolve("locks") + "}",
        "carbon:",
        "  sources:",
        "    - {type: trace, file: " + root.resolve("usr/share/carbon-governor/traces/US-CAL-CISO_2023_hourly.csv") + "}",
        "default-policy: {kind: static, cap: 60%}",
        "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
        "teams-dir: " + teams,
        ""));
    return config;
  }

  /** Lists {@code pid} as GPU {@code index}'s compute process, under the fake's own lock. */
  private static void runOnGpu(Path hardware, int index, long pid) throws IOException {
    Path lock = hardware.resolveSibling(hardware.getFileName() + ".lock");
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      String key = "procs." + index + "=";
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(hardware)) {
        lines.add(line.startsWith(key) ? key + pid + ":1048576" : line);
      }
      Path tmp = hardware.resolveSibling("gpus.state.test");
      Files.write(tmp, lines);
      Files.move(tmp, hardware, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Fails (or, with the skip property, skips loudly) where Debian's python3 has no PyTorch: the
   * test trains a real model. {@code .ci/run} installs python3-torch where it is missing.
   */
  private static void requireTorch() throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
      return;
    }
    String how = "This test trains a PyTorch model through the packaged client: apt-get install python3-torch"
        + " (.ci/run does), or skip it knowingly with -D" + SKIP_TORCH + "=true.";
    if (Boolean.getBoolean(SKIP_TORCH)) {
      String line = "!".repeat(100);
      System.err.println(line);
      System.err.println("!! SKIPPED: the PyTorch job against the packaged daemon (" + PYTHON + " has no torch)");
      System.err.println("!! " + how);
      System.err.println(line);
      Assumptions.abort("skipped with -D" + SKIP_TORCH);
    }
    fail(PYTHON + " cannot import torch: " + out.trim() + ". " + how);
  }

  private record Finished(int exit, String output) {}

  private Finished runToEnd(ProcessBuilder pb) throws Exception {
    Process p = start(pb.redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Finished(p.exitValue(), out);
  }

  /** The unpacked client command, finding its package as Debian's python3 would in dist-packages. */
  private static ProcessBuilder client(Path root, String... args) {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("usr/bin/carbon-governor-client").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("CARBON_GOVERNOR_"));
    pb.environment().put("PYTHONPATH", root.resolve(DIST_PACKAGES.substring(1)).toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    return pb;
  }

  private Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    started.add(p);
    return p;
  }
}
