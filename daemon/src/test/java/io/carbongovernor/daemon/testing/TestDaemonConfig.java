package io.carbongovernor.daemon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The governor.yaml the process tests start the packaged daemon with: two simulated A40s under a
 * 60 % static cap (so limits always change), the bundled California trace, the API on a free
 * loopback port and on a socket, state and an empty teams.d in the test's folder.
 */
public final class TestDaemonConfig {

  private static final Path TRACE =
      Path.of("..", "traces", "US-CAL-CISO_2023_hourly.csv").toAbsolutePath().normalize();

  private TestDaemonConfig() {}

  /**
   * Writes {@code dir/governor.yaml}.
   *
   * @param lines the {@code interval:} line and any other top-level lines the test needs; a line
   *     whose key is one of the defaults' (such as {@code default-policy:}) takes its place
   */
  public static Path write(Path dir, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of(lines));
    Set<String> given = all.stream().map(TestDaemonConfig::key).collect(Collectors.toSet());
    List<String> defaults =
        List.of(
            "zone: US-CAL-CISO",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated, simulated: {count: 2}}",
            "carbon:\n  sources:\n    - {type: trace, file: " + TRACE + "}",
            "default-policy: {kind: static, cap: 60%}",
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
            "teams-dir: " + Files.createDirectories(dir.resolve("teams.d")));
    defaults.stream().filter(d -> !given.contains(key(d))).forEach(all::add);
    all.add("");
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, String.join("\n", all));
    return file;
  }

  private static String key(String line) {
    return line.substring(0, Math.max(0, line.indexOf(':')));
  }
}
