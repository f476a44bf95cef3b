package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.gpu.SimulatedAccount;
import io.carbongovernor.gpu.SimulatedWork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** governor.yaml mistakes: each gives one problem with its exact place and text. */
class GovernorConfigErrorsTest {

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  @Test
  void theBaseConfigIsValid() throws Exception {
    GovernorConfig config = files.load(ConfigFiles.VALID);
    assertThat(config.zone()).isEqualTo("DE");
    assertThat(config.teams()).isEmpty();
  }

  @Test
  void unknownTopLevelKeySuggestsTheClosestKnownKey() {
    files.assertOnly(
        ConfigFiles.VALID + "intervall: 5m\n",
        7,
        1,
        "unknown key 'intervall' (did you mean 'interval'?)");
  }

  @Test
  void unknownNestedKey() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              gpu:
                backend: simulated
                simulated: {count: 2, modle: v100}
              """,
        9,
        25,
        "gpu.simulated: unknown key 'modle' (did you mean 'model'?)");
  }

  @Test
  void unknownKeyFarFromAnyKnownKeyGetsNoSuggestion() {
    files.assertOnly(ConfigFiles.VALID + "colour: blue\n", 7, 1, "unknown key 'colour'");
  }

  @Test
  void stringWhereListExpected() {
    files.assertOnly(
        """
        zone: DE
        teams-dir: teams.d
        carbon:
          sources: trace
        """,
        4,
        12,
        "carbon.sources: expected a list like [{type: trace, file: trace.csv}], got 'trace'");
  }

  @Test
  void badDuration() {
    files.assertOnly(
        ConfigFiles.VALID + "interval: abc\n",
        7,
        11,
        "interval: expected a duration like 5m, got 'abc'");
  }

  @Test
  void bareNumberDuration() {
    files.assertOnly(
        ConfigFiles.VALID + "interval: 10\n",
        7,
        11,
        "interval: give a unit: 10s or 5m, not a bare number (got 10)");
  }

  @Test
  void intervalOutOfRange() {
    files.assertOnly(
        ConfigFiles.VALID + "interval: 25h\n",
        7,
        11,
        "interval: must be between 1s and 1d, got 1d1h");
  }

  @Test
  void sampleEveryLongerThanInterval() {
    files.assertOnly(
        ConfigFiles.VALID + "interval: 10s\nsample-every: 30s\n",
        8,
        15,
        "sample-every: must not be longer than interval (10s), got 30s");
  }

  @Test
  void badModeWord() {
    files.assertOnly(
        ConfigFiles.VALID + "mode: enforse\n",
        7,
        7,
        "mode: expected enforce or shadow, got 'enforse' (did you mean 'enforce'?)");
  }

  @Test
  void duplicateKey() {
    files.assertOnly(
        ConfigFiles.VALID + "mode: shadow\nmode: enforce\n",
        8,
        1,
        "duplicate key 'mode' (first given at line 7)");
  }

  @Test
  void yamlSyntaxError() {
    files.assertOnly(
        """
        zone: DE
        carbon:
          sources: [{type: trace, file: trace.csv}
        mode: shadow
        """,
        4,
        1,
        "YAML syntax error: expected ',' or ']', but got <scalar> (while parsing a flow sequence at"
            + " line 3, column 12)");
  }

  @Test
  void missingZone() {
    files.assertOnly(
        """
        # no zone
        teams-dir: teams.d
        carbon:
          sources: [{type: trace, file: trace.csv}]
        """,
        2,
        1,
        "missing required key 'zone'");
  }

  @Test
  void emptyZone() {
    files.assertOnly(
        ConfigFiles.VALID.replace("zone: DE", "zone: ''"), 1, 7, "zone: must not be empty");
  }

  @Test
  void norwayStaysAString() throws Exception {
    assertThat(files.load(ConfigFiles.VALID.replace("zone: DE", "zone: NO")).zone())
        .isEqualTo("NO");
  }

  @Test
  void failSafeMustNotDependOnTheGrid() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              fail-safe:
                kind: bands
                bands: [{cap: 60%}]
              """,
        8,
        9,
        "fail-safe.kind: the fail-safe must not depend on a carbon signal; use full-speed or"
            + " static, not 'bands'");
  }

  @Test
  void failSafeMayBeStatic() throws Exception {
    GovernorConfig config =
        files.load(ConfigFiles.VALID + "fail-safe: {kind: static, cap: 200W}\n");
    assertThat(config.failSafe().kind()).isEqualTo("static");
  }

  @Test
  void failSafeScalarOtherThanFullSpeed() {
    files.assertOnly(
        ConfigFiles.VALID + "fail-safe: half-speed\n",
        7,
        12,
        "fail-safe: expected full-speed or a policy like {kind: static, cap: 60%}, got"
            + " 'half-speed'");
  }

  @Test
  void nonLoopbackApiHost() {
    files.assertOnly(
        ConfigFiles.VALID + "api: {listen: 0.0.0.0:9464}\n",
        7,
        15,
        "api.listen: host '0.0.0.0' is not a loopback address; use 127.0.0.1, [::1] or localhost,"
            + " because callers are identified through the kernel's loopback socket tables");
  }

  @Test
  void badApiPort() {
    files.assertOnly(
        ConfigFiles.VALID + "api: {listen: 127.0.0.1:70000}\n",
        7,
        15,
        "api.listen: port must be from 0 (any free port) to 65535, got '70000'");
  }

  @Test
  void loopbackHostsAreAccepted() throws Exception {
    assertThat(files.load(ConfigFiles.VALID + "api: {listen: '[::1]:9000'}\n").api())
        .isEqualTo(new ApiConfig("::1", 9000));
    assertThat(files.load(ConfigFiles.VALID + "api: {listen: 127.0.1.1:80}\n").api())
        .isEqualTo(new ApiConfig("127.0.1.1", 80));
    assertThat(files.load(ConfigFiles.VALID + "api: {listen: localhost:9464}\n").api())
        .isEqualTo(new ApiConfig("localhost", 9464));
  }

  @Test
  void apiSocketResolvesAgainstTheConfigDirectoryAndKeepsTheListener() throws Exception {
    ApiConfig api = files.load(ConfigFiles.VALID + "api: {socket: run/api.sock}\n").api();
    assertThat(api).isEqualTo(new ApiConfig("127.0.0.1", 9464, dir.resolve("run/api.sock")));
    assertThat(files.load(ConfigFiles.VALID + "api: {listen: 127.0.0.1:9000}\n").api().socket())
        .isEqualTo(ApiConfig.DEFAULT_SOCKET);
  }

  @Test
  void apiSocketPathMustFitAUnixSocketAddress() {
    String path = "/run/" + "a".repeat(100) + "/api.sock";
    files.assertOnly(
        ConfigFiles.VALID + "api: {socket: " + path + "}\n",
        7,
        15,
        "api.socket: the socket path " + path + " is 114 bytes long; a Unix socket's path holds at"
            + " most 107 bytes, so choose a shorter one (such as /run/carbon-governor/api.sock)");
  }

  @Test
  void minChangeOutOfRange() {
    files.assertOnly(
        ConfigFiles.VALID + "gpu: {min-change: 60W}\n",
        7,
        19,
        "gpu.min-change: must be between 0W and 50W, got 60W");
  }

  @Test
  void simulatedCountOutOfRange() {
    files.assertOnly(
        ConfigFiles.VALID + "gpu: {simulated: {count: 0}}\n",
        7,
        26,
        "gpu.simulated.count: must be from 1 to 64, got 0");
  }

  @Test
  void simulatedWorkNamesItsGpusAndSimulatedAccounts() throws Exception {
    GovernorConfig config =
        files.load(
            ConfigFiles.VALID
                + """
                  gpu:
                    backend: simulated
                    simulated:
                      count: 3
                      work:
                        - {gpu: 0, user: ana, groups: [vision, staff]}
                        - {gpu: 0, user: raj}
                        - {gpu: 2}
                      real-processes: true
                  """);
    GpuConfig.Simulated sim = config.gpu().simulated();
    assertThat(sim.work())
        .containsExactly(
            new SimulatedWork(0, Optional.of(new SimulatedAccount("ana", List.of("vision", "staff")))),
            new SimulatedWork(0, Optional.of(new SimulatedAccount("raj", List.of()))),
            new SimulatedWork(2, Optional.empty()));
    assertThat(sim.realProcesses()).isTrue();

    GpuConfig.Simulated plain = files.load(ConfigFiles.VALID + "gpu: {simulated: {count: 2}}\n").gpu().simulated();
    assertThat(plain.work()).as("without work: every GPU busy, nobody's").isEqualTo(SimulatedWork.everyGpu(2));
    assertThat(plain.realProcesses()).isFalse();
  }

  @Test
  void simulatedWorkMistakesAreEachReportedAtTheirPlace() {
    List<ConfigProblem> problems =
        files.problems(
            ConfigFiles.VALID
                + """
                  gpu:
                    simulated:
                      count: 2
                      work:
                        - {gpu: 2, user: ana}
                        - {gpu: 0, usr: ana}
                        - {gpu: 1, user: Ana, groups: [vision, vision]}
                        - {gpu: 1, groups: [nlp]}
                        - gpu 1
                      real-processes: yes
                  """);
    assertThat(problems)
        .extracting(ConfigProblem::toString)
        .containsExactlyInAnyOrder(
            files.governor() + ":11:15: gpu.simulated.work[0].gpu: must be from 0 to 1, got 2",
            files.governor() + ":12:18: gpu.simulated.work[1]: unknown key 'usr' (did you mean 'user'?)",
            files.governor() + ":13:24: gpu.simulated.work[2].user: 'Ana' is not a valid user name"
                + " (lowercase letters, digits, _ and -, at most 32 characters)",
            files.governor() + ":13:46: gpu.simulated.work[2].groups[1]: group 'vision' is listed twice",
            files.governor() + ":14:9: gpu.simulated.work[3]: groups need a user: give the account's user too",
            files.governor() + ":15:9: gpu.simulated.work[4]: expected a mapping (key: value lines), got 'gpu 1'",
            files.governor() + ":16:21: gpu.simulated.real-processes: expected true or false, got 'yes'");
  }

  @Test
  void givenTeamsDirMustExist() {
    files.assertOnly(
        ConfigFiles.VALID.replace("teams-dir: teams.d", "teams-dir: nowhere.d"),
        2,
        12,
        "teams-dir: teams directory " + dir.resolve("nowhere.d") + " does not exist");
  }

  @Test
  void missingConfigFileHasNoLocation() {
    java.util.List<ConfigProblem> problems = files.problems();
    assertThat(problems)
        .extracting(ConfigProblem::toString)
        .containsExactly(files.governor() + ": file does not exist");
  }

  @Test
  void relativeHistoryPathResolvesAgainstTheConfigDirectory() throws Exception {
    assertThat(
            files
                .load(
                    ConfigFiles.VALID + "history: {url: 'jdbc:sqlite:db/h.db?journal_mode=WAL'}\n")
                .history()
                .url())
        .isEqualTo("jdbc:sqlite:" + dir.resolve("db/h.db") + "?journal_mode=WAL");
    assertThat(
            files
                .load(ConfigFiles.VALID + "history: {url: 'jdbc:postgresql://db/governor'}\n")
                .history()
                .url())
        .isEqualTo("jdbc:postgresql://db/governor");
  }

  @Test
  void amdsmiAndAutoBackendsWithTheirLibraries() throws Exception {
    GovernorConfig amd = files.load(ConfigFiles.VALID + "gpu: {backend: amdsmi, amdsmi-library: /opt/rocm/lib/libamd_smi.so}\n");
    assertThat(amd.gpu().backend()).isEqualTo(GpuConfig.Backend.AMDSMI);
    assertThat(amd.gpu().library("amdsmi")).contains("/opt/rocm/lib/libamd_smi.so");
    assertThat(amd.gpu().library("nvml")).contains("libnvidia-ml.so.1");
    GovernorConfig auto = files.load(ConfigFiles.VALID + "gpu: {backend: auto}\n");
    assertThat(auto.gpu().backend()).isEqualTo(GpuConfig.Backend.AUTO);
    assertThat(auto.gpu().library("amdsmi")).contains("libamd_smi.so");
    files.assertOnly(ConfigFiles.VALID + "gpu: {backend: amd}\n", 7, 16,
        "gpu.backend: expected nvml, amdsmi, simulated or auto, got 'amd'");
  }

  @Test
  void statedDefaultsApply() throws Exception {
    GovernorConfig config = files.load(ConfigFiles.VALID);
    assertThat(config.interval()).hasMinutes(5);
    assertThat(config.sampleEvery()).hasSeconds(5);
    assertThat(config.mode()).isEqualTo(GovernorConfig.Mode.ENFORCE);
    assertThat(config.gpu().backend()).isEqualTo(GpuConfig.Backend.NVML);
    assertThat(config.carbon().maxAge()).hasHours(2);
    assertThat(config.failSafe().kind()).isEqualTo("full-speed");
    assertThat(config.defaultPolicy().kind()).isEqualTo("full-speed");
    assertThat(config.api()).isEqualTo(new ApiConfig("127.0.0.1", 9464, Path.of("/run/carbon-governor/api.sock")));
    assertThat(config.history().url()).isEqualTo("jdbc:sqlite:/var/lib/carbon-governor/history.db");
    assertThat(config.history().retention()).isEqualTo(Retention.DEFAULT);
  }

  @Test
  void retentionTakesDurationsOrForeverAndDefaultsWhatIsNotGiven() throws Exception {
    assertThat(
            files
                .load(ConfigFiles.VALID + "history: {retention: {raw: 2d, minutes: 30d}}\n")
                .history()
                .retention())
        .isEqualTo(
            new Retention(
                Optional.of(Duration.ofDays(2)), Optional.of(Duration.ofDays(30)), Optional.empty()));
    assertThat(
            files
                .load(
                    ConfigFiles.VALID
                        + "history: {retention: {raw: forever, minutes: forever, hours: forever}}\n")
                .history()
                .retention())
        .isEqualTo(new Retention(Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(
            files
                .load(ConfigFiles.VALID + "history: {retention: {hours: 400d}}\n")
                .history()
                .retention())
        .isEqualTo(
            new Retention(
                Optional.of(Duration.ofDays(7)),
                Optional.of(Duration.ofDays(90)),
                Optional.of(Duration.ofDays(400))));
  }

  @Test
  void retentionOfMinutesShorterThanRaw() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  raw: 7d
                  minutes: 1d
              """,
        10,
        14,
        "history.retention.minutes: must be at least as long as raw (7d), got 1d");
  }

  @Test
  void retentionOfRawLongerThanTheDefaultMinutes() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  raw: 100d
              """,
        9,
        10,
        "history.retention.raw: must not be longer than minutes (90d by default), got 100d");
  }

  @Test
  void retentionOfHoursShorterThanForeverMinutes() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  minutes: forever
                  hours: 400d
              """,
        10,
        12,
        "history.retention.hours: must be at least as long as minutes (forever), got 400d");
  }

  @Test
  void retentionThatIsNeitherADurationNorForever() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  raw: a week
              """,
        9,
        10,
        "history.retention.raw: expected a duration like 7d or the word forever, got 'a week'");
  }

  @Test
  void retentionShorterThanThePruningPeriod() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  raw: 30m
              """,
        9,
        10,
        "history.retention.raw: must be at least 1h or forever, got 30m");
  }

  @Test
  void unknownRetentionKey() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              history:
                retention:
                  raws: 7d
              """,
        9,
        5,
        "history.retention: unknown key 'raws' (did you mean 'raw'?)");
  }
}
