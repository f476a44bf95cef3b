package io.carbongovernor.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code .deb} as dpkg sees it: its files, modes and owners ({@code dpkg-deb -c}), its
 * control fields and conffiles ({@code dpkg-deb -f}, {@code -e}), and an unpacked copy ({@code
 * dpkg-deb -x}) whose launcher runs.
 */
class DebPackageIT {

  private static final Path SOURCE = Path.of(System.getProperty("carbon-governor.source-root"));
  private static final String SHARE = "/usr/share/carbon-governor";

  private static Path deb;
  /** Path in the package to its {@code dpkg-deb -c} line. */
  private static Map<String, Entry> entries;

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  record Entry(String mode, String owner, String path) {}

  @BeforeAll
  static void listPackage() throws Exception {
    Path target = Path.of(System.getProperty("carbon-governor.deb-dir"));
    try (Stream<Path> files = Files.list(target)) {
      List<Path> debs =
          files.filter(p -> p.getFileName().toString().matches("carbon-governor_.*_all\\.deb")).toList();
      assertThat(debs).as("one package in %s", target).hasSize(1);
      deb = debs.get(0);
    }
    entries = new TreeMap<>();
    for (String line : Commands.run("dpkg-deb", "-c", deb.toString()).lines().toList()) {
      // drwxr-xr-x root/root         0 2026-11-23 14:27 ./usr/
      String[] f = line.trim().split("\\s+", 6);
      String path = f[5].substring(1);
      entries.put(path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
          new Entry(f[0], f[1], path));
    }
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void shipsTheDaemonJarBesideExactlyItsRuntimeDependencies() throws IOException {
    List<String> expected = new ArrayList<>();
    try (Stream<Path> jars = Files.list(SOURCE.resolve("daemon/target/lib"))) {
      jars.map(p -> SHARE + "/lib/" + p.getFileName()).forEach(expected::add);
    }
    List<String> shipped =
        entries.keySet().stream().filter(p -> p.startsWith(SHARE + "/lib/")).toList();

    assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);
    // As in daemon/target: the jar's manifest names lib/<jar>, relative to the jar itself.
    assertThat(entries.get(SHARE + "/carbon-governor.jar").mode()).isEqualTo("-rw-r--r--");
  }

  @Test
  void javaDashJarOnTheUnpackedJarPrintsTheVersion() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                root.resolve("usr/share/carbon-governor/carbon-governor.jar").toString(),
                "--version")
            .redirectErrorStream(true);
    Process p = start(pb);
    String out = new String(p.getInputStream().readAllBytes());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("carbon-governor 0.1.0").doesNotContain("NoClassDefFoundError");
  }

  @Test
  void launcherIsAnExecutableOwnedByRoot() {
    assertThat(entries.get("/usr/bin/carbon-governor"))
        .isEqualTo(new Entry("-rwxr-xr-x", "root/root", "/usr/bin/carbon-governor"));
    assertThat(entries.values()).allSatisfy(e -> assertThat(e.owner()).isEqualTo("root/root"));
  }

  @Test
  void shipsEveryUnitFileOfTheCheckoutWhereSystemdLooks() throws IOException {
    List<String> expected = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCE.resolve("systemd"))) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".service")) {
          expected.add("/lib/systemd/system/" + name);
        } else if (name.equals("carbon-governor.sysusers")) {
          expected.add("/usr/lib/sysusers.d/carbon-governor.conf");
        } else if (name.equals("carbon-governor.tmpfiles")) {
          expected.add("/usr/lib/tmpfiles.d/carbon-governor.conf");
        }
      }
    }
    List<String> shipped =
        entries.keySet().stream()
            .filter(p -> p.matches("/lib/systemd/system/.+|/usr/lib/(sysusers|tmpfiles)\\.d/.+"))
            .toList();

    assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);
    shipped.forEach(p -> assertThat(entries.get(p).mode()).isEqualTo("-rw-r--r--"));
  }

  @Test
  void shipsTheTracesWithTheirAttributionAndTheLicences() throws IOException {
    try (Stream<Path> traces = Files.list(SOURCE.resolve("traces"))) {
      List<String> expected =
          traces.map(p -> SHARE + "/traces/" + p.getFileName()).toList();
      assertThat(expected).anyMatch(p -> p.endsWith(".csv")).contains(SHARE + "/traces/README.md");
      assertThat(entries).containsKeys(expected.toArray(String[]::new));
    }
    assertThat(entries)
        .containsKeys(
            "/usr/share/doc/carbon-governor/copyright",
            "/usr/share/doc/carbon-governor/zeus-NOTICE.md",
            "/usr/share/doc/carbon-governor/LICENSE-zeus-Apache-2.0.txt",
            "/usr/share/doc/carbon-governor/changelog.Debian.gz",
            "/usr/share/doc/carbon-governor/changelog.gz");
  }

  @Test
  void shipsTheReadmeWithTheDocumentationItLinksTo() throws IOException {
    try (Stream<Path> docs = Files.list(SOURCE.resolve("docs"))) {
      List<String> expected =
          docs.filter(p -> p.getFileName().toString().endsWith(".md"))
              .map(p -> "/usr/share/doc/carbon-governor/docs/" + p.getFileName())
              .toList();
      assertThat(expected).isNotEmpty();
      assertThat(entries).containsKeys(expected.toArray(String[]::new));
    }
    assertThat(entries).containsKey("/usr/share/doc/carbon-governor/README.md");
  }

  /**
   * Every page the daemon's build generated, where man looks, compressed as Debian wants (gzip -9,
   * no name or time in the header) and the same text once uncompressed.
   */
  @Test
  void shipsEveryManualPageCompressedWhereManLooks() throws Exception {
    Path pages = SOURCE.resolve("daemon/target/man");
    List<Path> generated;
    try (Stream<Path> files = Files.list(pages)) {
      generated = files.filter(p -> p.getFileName().toString().matches(".+\\.[15]")).sorted().toList();
    }
    assertThat(generated.stream().map(p -> p.getFileName().toString()))
        .contains("carbon-governor.1", "carbon-governor-simulate.1", "carbon-governor-sources-check.1",
            "carbon-governor-client.1", "governor.yaml.5");
    List<String> expected = generated.stream().map(DebPackageIT::installedPage).toList();
    List<String> shipped = entries.keySet().stream().filter(p -> p.matches("/usr/share/man/man[0-9]/.+")).toList();
    assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);

    Path root = Commands.unpack(deb, dir.resolve("root"));
    for (Path page : generated) {
      String installed = installedPage(page);
      assertThat(entries.get(installed).mode()).isEqualTo("-rw-r--r--");
      byte[] gz = Files.readAllBytes(root.resolve(installed.substring(1)));
      assertThat(gz[3] & 0x08).as("%s names no file (gzip -n)", installed).isZero();
      assertThat(Arrays.copyOfRange(gz, 4, 8)).as("%s has no time (gzip -n)", installed).containsOnly(0);
      assertThat(gz[8]).as("%s at maximum compression (gzip -9)", installed).isEqualTo((byte) 2);
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(page));
      }
    }
  }

  /** carbon-governor-run.1 to /usr/share/man/man1/carbon-governor-run.1.gz */
  private static String installedPage(Path page) {
    String name = page.getFileName().toString();
    return "/usr/share/man/man" + name.charAt(name.length() - 1) + "/" + name + ".gz";
  }

  /** The completion bash-completion loads for the command by its name, completing commands and options. */
  @Test
  void shipsTheBashCompletionWhereBashCompletionLooks() throws Exception {
    String path = "/usr/share/bash-completion/completions/carbon-governor";
    assertThat(entries.get(path)).isEqualTo(new Entry("-rw-r--r--", "root/root", path));
    Path completion = Commands.unpack(deb, dir.resolve("root")).resolve(path.substring(1));
    assertThat(Files.readString(completion)).doesNotStartWith("#!").contains("complete -F");
    Commands.run("bash", "-n", completion.toString());

    // compopt, which only a completion that bash itself started may call, says so on stderr.
    String script = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
        + " _complete_carbon-governor 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
    assertThat(Commands.run("bash", "-c", script, "bash", completion.toString(), "carbon-governor", "si").lines())
        .containsExactly("simulate");
    assertThat(Commands.run("bash", "-c", script, "bash", completion.toString(), "carbon-governor", "simulate", "--pro")
        .lines()).containsExactly("--profile");
  }

  /** The bundled Zeus profiles are in the package's jars: simulate takes one by name. */
  @Test
  void simulateOfAnUnpackedCopyTakesABundledProfileByName() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Process p = start(Commands.launcher(root, "simulate",
        "--trace", root.resolve("usr/share/carbon-governor/traces/US-CAL-CISO_2023_hourly.csv").toString(),
        "--profile", "a40", "--workload", "cifar100/shufflenetv2", "--batch-size", "128", "--epochs", "10",
        "--start", "2023-03-02T00:00:00Z", "--policies", "full-speed,static").redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("profile   zeus:a40 cifar100/shufflenetv2 bs=128").containsPattern("(?m)^static ");
  }

  @Test
  void copyrightIsMachineReadableAndNamesTheLicenceOfEveryJarAndDataSet() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Dep5Copyright copyright =
        Dep5Copyright.parse(Files.readString(root.resolve("usr/share/doc/carbon-governor/copyright")));

    assertThat(copyright.header())
        .containsEntry("Format", "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
        .containsEntry("Upstream-Name", "carbon-governor");
    // Our own code: the licence of the repository's LICENSE file.
    Dep5Copyright.FilesParagraph ours = copyright.files().get(0);
    assertThat(ours.patterns()).containsExactly("*");
    assertThat(ours.licenseExpression()).isEqualTo("Apache-2.0");
    assertThat(Files.readString(SOURCE.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    // Every paragraph has its copyright and licence, and every licence has its text.
    Map<String, String> texts = copyright.licenses();
    for (Dep5Copyright.FilesParagraph files : copyright.files()) {
      assertThat(files.copyright()).as("Copyright of %s", files.patterns()).isNotBlank();
      assertThat(files.licenseExpression()).as("License of %s", files.patterns()).isNotBlank();
      if (!files.hasLicenseText()) {
        for (String name : Dep5Copyright.shortNames(files.licenseExpression())) {
          assertThat(texts).as("a License paragraph for %s", name).containsKey(name);
          assertThat(texts.get(name)).as("the text of %s", name).isNotBlank();
        }
      }
    }
    // Each bundled jar is named, not left to the paragraph of our own code.
    List<String> jars =
        entries.keySet().stream().filter(p -> p.matches(SHARE + "/lib/[^/]+\\.jar")).toList();
    assertThat(jars).isNotEmpty();
    for (String jar : jars) {
      assertThat(copyright.governing(jar.substring(1)))
          .as("the copyright paragraph of %s", jar)
          .hasValueSatisfying(p -> assertThat(p.patterns()).doesNotContain("*"));
    }
    // Each bundled data set under its own licence.
    List<String> traces =
        entries.keySet().stream().filter(p -> p.matches(SHARE + "/traces/[^/]+\\.csv")).toList();
    assertThat(traces).isNotEmpty();
    for (String trace : traces) {
      assertThat(copyright.governing(trace.substring(1)))
          .hasValueSatisfying(p -> assertThat(p.licenseExpression()).isEqualTo("ODbL-1.0"));
    }
    assertThat(copyright.governing("usr/share/carbon-governor/lib/gpu-control-0.1.0-SNAPSHOT.jar"))
        .hasValueSatisfying(
            p -> assertThat(p.copyright()).contains("The Zeus authors"));
  }

  @Test
  void controlFieldsNameThePackageAndAJava17Runtime() throws Exception {
    String fields = Commands.run("dpkg-deb", "-f", deb.toString(), "Package", "Architecture", "Depends");

    assertThat(fields)
        .contains("Package: carbon-governor")
        .contains("Architecture: all")
        .contains("Depends: openjdk-17-jre-headless | java17-runtime-headless")
        // /usr/bin/carbon-governor-client and the client's package run on Debian's python3.
        .contains(", python3:any (>= 3.9)");
  }

  @Test
  void defaultConfigurationIsConffilesUnderEtc() throws Exception {
    Path control = dir.resolve("DEBIAN");
    Commands.run("dpkg-deb", "-e", deb.toString(), control.toString());
    List<String> conffiles = Files.readAllLines(control.resolve("conffiles"));

    assertThat(conffiles)
        .containsExactlyInAnyOrder(
            "/etc/carbon-governor/governor.yaml", "/etc/carbon-governor/teams.d/vision.yaml.example");
    assertThat(entries).containsKeys(conffiles.toArray(String[]::new));
    // Everything under /etc is a conffile, so an admin's edits survive upgrades.
    assertThat(entries.entrySet())
        .filteredOn(e -> e.getKey().startsWith("/etc/") && !e.getValue().mode().startsWith("d"))
        .extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrderElementsOf(conffiles);
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertThat(control.resolve(script)).isExecutable();
      Commands.run("sh", "-n", control.resolve(script).toString());
    }
  }

  @Test
  void packagedConfigurationTakesTheTraceFallbackFromThePackage() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    List<String> traceFiles =
        Files.readAllLines(root.resolve("etc/carbon-governor/governor.yaml")).stream()
            .map(String::trim)
            .filter(l -> l.startsWith("file:"))
            .map(l -> l.substring("file:".length()).trim())
            .toList();

    assertThat(traceFiles).isNotEmpty().allMatch(f -> f.startsWith(SHARE + "/traces/"));
    assertThat(entries).containsKeys(traceFiles.toArray(String[]::new));
  }

  @Test
  void launcherOfAnUnpackedCopyPrintsTheVersion() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Process p = start(Commands.launcher(root, "--version").redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("carbon-governor 0.1.0").contains("Java " + Runtime.version());
  }

  @Test
  void launcherOfAnUnpackedCopyRunsTheDaemonWithoutWarningsAndStopsCleanly() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Path config = daemonConfig(root);
    Process daemon = start(Commands.launcher(root, "run", "--config", config.toString()).redirectErrorStream(true));
    BlockingQueue<String> lines = Commands.lines(daemon);

    List<String> seen = Commands.until(lines, l -> l.contains("controlling"), 60);
    daemon.toHandle().destroy();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(daemon.exitValue()).as(String.join("\n", seen)).isZero();
    // The history database (sqlite-jdbc's native library) is open, and JDK 22+ said nothing
    // about native access: the launcher's --enable-native-access covers it.
    assertThat(dir.resolve("state/history.db")).exists();
    assertThat(seen).noneMatch(l -> l.startsWith("WARNING"));
  }

  @Test
  void launcherRunsTheDaemonWithoutTheJvmsPerformanceDataFile() throws Exception {
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Process daemon =
        start(Commands.launcher(root, "run", "--config", daemonConfig(root).toString()).redirectErrorStream(true));
    BlockingQueue<String> lines = Commands.lines(daemon);
    Commands.until(lines, l -> l.contains("controlling"), 60);

    // A JVM that keeps the file (as this one does) updates it 20 times a second on JDK 17, the
    // biggest part of an idle daemon's CPU; the launcher turns it off (-XX:-UsePerfData).
    Path perfData = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"));
    assertThat(perfData.resolve(Long.toString(ProcessHandle.current().pid()))).exists();
    assertThat(perfData.resolve(Long.toString(daemon.pid()))).doesNotExist();
    daemon.toHandle().destroy();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
  }

  /** A daemon on 2 simulated GPUs and the package's trace, its state under the test's directory. */
  private Path daemonConfig(Path root) throws IOException {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path config = dir.resolve("governor.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "zone: US-CAL-CISO",
            "interval: 1h",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated, simulated: {count: 2}}",
            "carbon:",
            "  sources:",
            "    - {type: trace, file: "
                + root.resolve("usr/share/carbon-governor/traces/US-CAL-CISO_2023_hourly.csv")
                + "}",
            "default-policy: {kind: static, cap: 60%}",
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
            "teams-dir: " + teams,
            ""));
    return config;
  }

  private Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    started.add(p);
    return p;
  }
}
