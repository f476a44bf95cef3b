package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.config.GovernorConfig.Mode;
import io.carbongovernor.daemon.config.GpuConfig.Backend;
import io.carbongovernor.daemon.config.GpuConfig.Model;
import io.carbongovernor.daemon.config.SourceConfig.Timing;
import io.carbongovernor.daemon.config.SourceConfig.Type;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.SimulatedAccount;
import io.carbongovernor.gpu.SimulatedWork;
import io.carbongovernor.policy.GpuState;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PolicyInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shipped examples in config/ load and mean what their comments say. */
class ExampleConfigsTest {

  // Maven runs tests in the module directory.
  private static final Path CONFIG = Path.of("..", "config");

  @Test
  void demoLoadsWithFileChecks() throws Exception {
    GovernorConfig config =
        ConfigLoader.load(CONFIG.resolve("demo.yaml"), FileChecks.CHECK, Map.of());

    assertThat(config.zone()).isEqualTo("US-CAL-CISO");
    assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.sampleEvery()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(config.stateDir()).isEqualTo(Path.of("..", "state").toAbsolutePath().normalize());
    assertThat(config.gpu().backend()).isEqualTo(Backend.SIMULATED);
    assertThat(config.gpu().minChange()).isEqualTo(Power.ofWatts(5));
    assertThat(config.gpu().simulated())
        .isEqualTo(
            new GpuConfig.Simulated(
                4,
                Model.A40,
                "imagenet/resnet50",
                256,
                List.of(
                    new SimulatedWork(0, Optional.of(new SimulatedAccount("alice", List.of()))),
                    new SimulatedWork(1, Optional.of(new SimulatedAccount("raj", List.of("nlp")))),
                    new SimulatedWork(2, Optional.empty())),
                true));

    assertThat(config.carbon().maxAge()).isEqualTo(Duration.ofHours(2));
    assertThat(config.carbon().sources())
        .singleElement()
        .satisfies(
            source -> {
              assertThat(source.type()).isEqualTo(Type.TRACE);
              assertThat(source.name()).isEqualTo("trace");
              assertThat(source.file())
                  .hasValueSatisfying(
                      file -> {
                        assertThat(file).isAbsolute().exists();
                        assertThat(file.getFileName()).hasToString("US-CAL-CISO_2023_hourly.csv");
                      });
              assertThat(source.timing()).contains(Timing.YEAR_ALIGNED);
              assertThat(source.token()).isEmpty();
            });

    assertThat(config.defaultPolicy().kind()).isEqualTo("bands");
    // Four bands: below 150 -> 100 %, below 220 -> 85 %, below 280 -> 70 %, else 60 %.
    Policy bands = config.defaultPolicy().policy();
    assertThat(capAt(bands, 100)).isEqualTo(Power.ofWatts(300));
    assertThat(capAt(bands, 200)).isEqualTo(Power.ofWatts(255));
    assertThat(capAt(bands, 250)).isEqualTo(Power.ofWatts(210));
    assertThat(capAt(bands, 900)).isEqualTo(Power.ofWatts(180));

    assertThat(config.failSafe().kind()).isEqualTo("full-speed");
    assertThat(config.api())
        .isEqualTo(new ApiConfig("127.0.0.1", 9464, config.stateDir().resolve("run/api.sock")));
    assertThat(config.history().url())
        .isEqualTo("jdbc:sqlite:" + config.stateDir().resolve("history.db"));
    assertThat(config.teamsDir()).isEqualTo(CONFIG.resolve("teams.d").toAbsolutePath().normalize());
    assertThat(config.sourceFile()).isEqualTo(CONFIG.resolve("demo.yaml"));
  }

  @Test
  void demoHasTwoTeamsWhoseLimitsDifferAtEveryIntensity() throws Exception {
    GovernorConfig config =
        ConfigLoader.load(CONFIG.resolve("demo.yaml"), FileChecks.CHECK, Map.of());

    assertThat(config.teams()).extracting(TeamConfig::name).containsExactlyInAnyOrder("vision", "nlp");
    TeamConfig vision = config.teams().stream().filter(t -> t.name().equals("vision")).findFirst().orElseThrow();
    TeamConfig nlp = config.teams().stream().filter(t -> t.name().equals("nlp")).findFirst().orElseThrow();
    assertThat(vision.file()).isAbsolute().exists();
    assertThat(vision.users()).containsExactly("alice", "bob");
    assertThat(vision.groups()).containsExactly("vision");
    assertThat(vision.batchSizes()).containsExactly(128, 256, 512);
    assertThat(vision.monthlyCarbonBudgetKg()).hasValue(400);
    assertThat(nlp.users()).isEmpty();
    assertThat(nlp.groups()).containsExactly("nlp");

    // Below 180, below 260, above: vision 90/80/75 %, nlp 70/60/50 % of 300 W. Both always cap,
    // so the demo's first tick logs a change on each team's GPU, whatever the hour.
    for (double intensity : new double[] {54, 179, 180, 259, 260, 332}) {
      Power v = capAt(vision.policy().policy(), intensity);
      Power n = capAt(nlp.policy().policy(), intensity);
      assertThat(v).as("vision at %s", intensity).isLessThan(Power.ofWatts(300));
      assertThat(n).as("nlp at %s", intensity).isLessThan(v);
    }
    assertThat(capAt(vision.policy().policy(), 270)).isEqualTo(Power.ofWatts(225));
    assertThat(capAt(nlp.policy().policy(), 270)).isEqualTo(Power.ofWatts(150));
  }

  @Test
  void productionExampleLoadsWithoutFileChecks() throws Exception {
    GovernorConfig config =
        ConfigLoader.load(CONFIG.resolve("governor.yaml"), FileChecks.SKIP, Map.of());

    assertThat(config.interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/carbon-governor"));
    assertThat(config.gpu().backend()).isEqualTo(Backend.NVML);
    assertThat(config.gpu().nvmlLibrary()).isEqualTo("libnvidia-ml.so.1");
    assertThat(config.carbon().fetchBudget()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.carbon().sources())
        .extracting(SourceConfig::type)
        .containsExactly(Type.ELECTRICITYMAPS, Type.TRACE);
    SourceConfig em = config.carbon().sources().get(0);
    assertThat(em.token()).as("SKIP reads no secrets").isEmpty();
    assertThat(em.apiVersion()).contains(SourceConfig.ApiVersion.V3);
    assertThat(em.file()).isEmpty();
    assertThat(config.carbon().sources().get(1).file())
        .contains(Path.of("/usr/share/carbon-governor/traces/US-CAL-CISO_2023_hourly.csv"));
    assertThat(config.teamsDir()).isEqualTo(Path.of("/etc/carbon-governor/teams.d"));
    assertThat(config.defaultPolicy().kind()).isEqualTo("full-speed");
    assertThat(config.history().url()).isEqualTo("jdbc:sqlite:/var/lib/carbon-governor/history.db");
    if (!Files.isDirectory(config.teamsDir())) {
      assertThat(config.teams()).isEmpty();
    }
  }

  @Test
  void productionExampleFailsFileChecksOnThisMachine() {
    Path file = CONFIG.resolve("governor.yaml");
    if (Files.exists(Path.of("/usr/share/carbon-governor/traces/US-CAL-CISO_2023_hourly.csv"))) {
      return; // an installed machine; nothing to show here
    }
    List<ConfigProblem> problems =
        org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidConfigException.class,
                () -> ConfigLoader.load(file, FileChecks.CHECK, Map.of()))
            .problems();
    assertThat(problems)
        .extracting(ConfigProblem::toString)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(file + ":21:13: carbon.sources[1].file: trace file /usr/share/"));
  }

  /** The limit a policy sets for a 100..300 W GPU at this intensity. */
  private static Power capAt(Policy policy, double gramsPerKwh) {
    Gpu gpu =
        new Gpu(
            0,
            "GPU-0",
            "test",
            new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)),
            Power.ofWatts(300));
    Instant now = Instant.parse("2023-06-01T12:00:00Z");
    CarbonSignal signal =
        new CarbonSignal(
            "X",
            now,
            now.plusSeconds(3600),
            CarbonIntensity.gramsPerKwh(gramsPerKwh),
            SignalKind.AVERAGE,
            "test",
            false);
    PolicyInput input =
        new PolicyInput(
            now,
            Optional.of(signal),
            List.of(),
            List.of(new GpuState(gpu, Power.ofWatts(300), Power.ofWatts(300))));
    return policy.decide(input).limits().get(0).target();
  }
}
