package io.carbongovernor.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.cli.ExitCodes;
import io.carbongovernor.daemon.config.ApiConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped unit and sysusers file, checked by systemd's own tools (Debian package {@code
 * systemd}; {@code .ci/run} installs it where missing).
 */
class UnitFileTest {

  private static final Path SYSTEMD = Path.of("..", "systemd").toAbsolutePath().normalize();
  private static final Path UNIT = SYSTEMD.resolve("carbon-governor.service");
  private static final Path SYSUSERS = SYSTEMD.resolve("carbon-governor.sysusers");
  private static final Path AMD_DROP_IN = SYSTEMD.resolve("amd-gpus.conf");
  private static final String LAUNCHER = "/usr/bin/carbon-governor";
  /** The exposure score systemd-analyze security may give at most (0 best, 10 worst). */
  private static final double MAX_EXPOSURE = 2.5;

  @TempDir Path dir;

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          command[0] + " is not installed; install the Debian package 'systemd' (.ci/run does): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), out);
  }

  /**
   * verify checks that ExecStart's program exists, so a copy of the unit points at a stand-in
   * launcher; the file name must stay the unit's name.
   */
  private Path unitWithLauncher(String text) throws IOException {
    Path launcher = dir.resolve("carbon-governor");
    Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path copy = Files.createDirectories(dir.resolve("units")).resolve(UNIT.getFileName());
    Files.writeString(copy, text.replace(LAUNCHER, launcher.toString()));
    return copy;
  }

  @Test
  void systemdAnalyzeVerifyPassesWithoutAWarning() throws Exception {
    Path copy = unitWithLauncher(Files.readString(UNIT));

    Result result = run("systemd-analyze", "verify", copy.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEmpty();
  }

  @Test
  void verifyWouldCatchADirectiveThisSystemdDoesNotKnow() throws Exception {
    // systemd 252 exits 0 on these, so the check above must also demand silence.
    Path copy = unitWithLauncher(Files.readString(UNIT).replace("Type=notify\n", "Type=notify-reload\nWatchDogSec=1\n"));

    Result result = run("systemd-analyze", "verify", copy.toString());

    assertThat(result.output()).contains("notify-reload").contains("WatchDogSec");
  }

  @Test
  void securityExposureIsAtMostTwoAndAHalf() throws Exception {
    Result result =
        run("systemd-analyze", "security", "--offline=yes", "--threshold=" + (int) (MAX_EXPOSURE * 10), UNIT.toString());

    Matcher score = Pattern.compile("Overall exposure level for carbon-governor\\.service: (\\d+\\.\\d)").matcher(result.output());
    assertThat(score.find()).as(result.output()).isTrue();
    assertThat(Double.parseDouble(score.group(1))).as(result.output()).isLessThanOrEqualTo(MAX_EXPOSURE);
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  /**
   * The unit with the AMD drop-in applied, as systemd merges it: the drop-in's lines added to the
   * sections they are in (every key it sets adds to a list).
   */
  private static String withAmdDropIn() throws IOException {
    String unit = Files.readString(UNIT);
    Map<String, StringBuilder> added = new LinkedHashMap<>();
    String current = "";
    for (String line : Files.readString(AMD_DROP_IN).lines().toList()) {
      if (line.startsWith("[")) {
        current = line;
      } else if (!line.isBlank() && !line.startsWith("#")) {
        added.computeIfAbsent(current, k -> new StringBuilder()).append(line).append('\n');
      }
    }
    for (Map.Entry<String, StringBuilder> e : added.entrySet()) {
      int next = unit.indexOf("\n[", unit.indexOf(e.getKey()) + 1);
      unit = unit.substring(0, next + 1) + e.getValue() + unit.substring(next + 1);
    }
    return unit;
  }

  @Test
  void theAmdDropInAllowsKfdAndTheRenderNodesAndKeepsTheExposure() throws Exception {
    String merged = withAmdDropIn();
    Map<String, List<String>> service = section(merged, "Service");
    assertThat(service.get("DeviceAllow")).containsExactly("char-nvidia* rw", "/dev/kfd rw", "char-drm rw");
    assertThat(service.get("DevicePolicy")).containsExactly("closed");
    assertThat(service.get("SupplementaryGroups")).containsExactly("render video");
    assertThat(service.get("CapabilityBoundingSet")).containsExactly("CAP_SYS_ADMIN");

    Path copy = unitWithLauncher(merged);
    Result verify = run("systemd-analyze", "verify", copy.toString());
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).isEmpty();

    Result security =
        run("systemd-analyze", "security", "--offline=yes", "--threshold=" + (int) (MAX_EXPOSURE * 10), copy.toString());
    Matcher score = Pattern.compile("Overall exposure level for carbon-governor\\.service: (\\d+\\.\\d)").matcher(security.output());
    assertThat(score.find()).as(security.output()).isTrue();
    assertThat(Double.parseDouble(score.group(1))).as(security.output()).isLessThanOrEqualTo(MAX_EXPOSURE);
  }

  @Test
  void theUnitSaysWhatTheDaemonDoes() throws Exception {
    Map<String, List<String>> service = section(Files.readString(UNIT), "Service");

    assertThat(service.get("Type")).containsExactly("notify");
    assertThat(service.get("NotifyAccess")).containsExactly("main");
    assertThat(service.get("WatchdogSec")).hasSize(1);
    assertThat(service.get("ExecStart")).containsExactly(LAUNCHER + " run --config /etc/carbon-governor/governor.yaml");
    assertThat(service.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
    assertThat(service.get("ExecStopPost")).containsExactly(LAUNCHER + " restore --config /etc/carbon-governor/governor.yaml");
    assertThat(service.get("RestartPreventExitStatus")).containsExactly(Integer.toString(ExitCodes.INVALID_CONFIG));
    assertThat(service.get("AmbientCapabilities")).containsExactly("CAP_SYS_ADMIN");
    assertThat(service.get("CapabilityBoundingSet")).containsExactly("CAP_SYS_ADMIN");
    assertThat(service.get("DevicePolicy")).containsExactly("closed");
    assertThat(service.get("ProtectSystem")).containsExactly("strict");
    assertThat(service.get("StateDirectory")).containsExactly("carbon-governor");
    assertThat(service.get("ConfigurationDirectory")).containsExactly("carbon-governor");
    // The API socket's home, /run/carbon-governor: reachable by every user, writable by the daemon.
    assertThat(service.get("RuntimeDirectory")).containsExactly("carbon-governor");
    assertThat(service.get("RuntimeDirectoryMode")).containsExactly("0755");
    assertThat(Path.of("/run", service.get("RuntimeDirectory").get(0)).resolve("api.sock")).isEqualTo(ApiConfig.DEFAULT_SOCKET);
    assertThat(service.get("LoadCredential")).containsExactly("electricitymaps", "watttime", "history-password", "site-token");
    // The JIT writes machine code and runs it; the job registry reads other users' /proc entries.
    assertThat(service).doesNotContainKeys("MemoryDenyWriteExecute", "PrivateUsers", "ProtectProc", "ProcSubset");
  }

  @Test
  void sysusersCreatesTheUnitsUser() throws Exception {
    Files.createDirectories(dir.resolve("root").resolve("etc"));

    Result result = run("systemd-sysusers", "--root=" + dir.resolve("root"), SYSUSERS.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    String user = section(Files.readString(UNIT), "Service").get("User").get(0);
    assertThat(Files.readString(dir.resolve("root/etc/passwd")))
        .containsPattern("(?m)^" + user + ":x:\\d+:\\d+:[^:]*:/var/lib/carbon-governor:/usr/sbin/nologin$");
    assertThat(Files.readString(dir.resolve("root/etc/group"))).containsPattern("(?m)^" + user + ":x:\\d+:");
  }

  /** Each key of one section with its values in order (keys may repeat). */
  private static Map<String, List<String>> section(String unit, String name) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = "";
    for (String line : unit.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        current = line.substring(1, line.length() - 1);
      } else if (current.equals(name)) {
        int eq = line.indexOf('=');
        keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }
    return keys;
  }
}
