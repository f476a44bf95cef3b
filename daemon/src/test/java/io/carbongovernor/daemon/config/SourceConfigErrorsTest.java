package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.SourceConfig.Type;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** carbon.sources: types, their keys, and their secrets. */
class SourceConfigErrorsTest {

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  private static String withSources(String sources) {
    return "zone: DE\nteams-dir: teams.d\ncarbon:\n  sources:\n" + sources;
  }

  @Test
  void missingTraceFile() {
    files.assertOnly(
        withSources(
            """
                - type: trace
                  file: missing.csv
            """),
        6,
        13,
        "carbon.sources[0].file: trace file missing.csv does not exist (looked at "
            + dir.resolve("missing.csv")
            + ")");
  }

  @Test
  void unknownSourceType() {
    files.assertOnly(
        withSources("    - type: wattime\n"),
        5,
        13,
        "carbon.sources[0].type: expected electricitymaps, watttime, uk, carbon-aware-sdk, governor or trace,"
            + " got 'wattime' (did you mean 'watttime'?)");
  }

  @Test
  void keyOfAnotherSourceType() {
    files.env = Map.of("EM_TOKEN", "t0ken");
    files.assertOnly(
        withSources(
            """
                - type: electricitymaps
                  token-env: EM_TOKEN
                  username: ops
            """),
        7,
        7,
        "carbon.sources[0]: key 'username' is not used by type electricitymaps (only by watttime)");
  }

  @Test
  void electricityMapsWithoutToken() {
    files.assertOnly(
        withSources("    - type: electricitymaps\n"),
        5,
        7,
        "carbon.sources[0]: electricitymaps needs one of token-file, token-env or"
            + " token-credential");
  }

  @Test
  void twoTokenSources() {
    files.env = Map.of("EM_TOKEN", "t0ken");
    files.write("em.token", "t0ken\n");
    files.assertOnly(
        withSources(
            """
                - type: electricitymaps
                  token-env: EM_TOKEN
                  token-file: em.token
            """),
        7,
        7,
        "carbon.sources[0].token-file: give only one of token-file, token-env or token-credential");
  }

  @Test
  void tokenEnvironmentVariableUnset() {
    files.assertOnly(
        withSources(
            """
                - type: electricitymaps
                  token-env: EM_TOKEN
            """),
        6,
        18,
        "carbon.sources[0].token-env: environment variable EM_TOKEN is not set");
  }

  @Test
  void credentialWithoutCredentialsDirectory() {
    files.assertOnly(
        withSources(
            """
                - type: watttime
                  username: ops
                  password-credential: watttime
            """),
        7,
        28,
        "carbon.sources[0].password-credential: CREDENTIALS_DIRECTORY is not set, so credential"
            + " 'watttime' cannot be read (systemd sets it for LoadCredential=)");
  }

  @Test
  void emptyTokenFile() {
    files.write("em.token", "\n");
    files.assertOnly(
        withSources(
            """
                - type: electricitymaps
                  token-file: em.token
            """),
        6,
        19,
        "carbon.sources[0].token-file: secret file " + dir.resolve("em.token") + " is empty");
  }

  @Test
  void carbonAwareSdkNeedsABaseUrl() {
    files.assertOnly(
        withSources("    - {type: carbon-aware-sdk, name: relay}\n"),
        5,
        7,
        "carbon.sources[0]: missing required key 'base-url'");
  }

  @Test
  void baseUrlMustBeHttp() {
    files.assertOnly(
        withSources("    - {type: uk, base-url: 'ftp://x'}\n"),
        5,
        28,
        "carbon.sources[0].base-url: expected an http or https URL like https://api.example.com,"
            + " got 'ftp://x'");
  }

  @Test
  void sourceNamesMustBeUnique() {
    files.assertOnly(
        withSources(
            """
                - type: uk
                - type: uk
            """),
        6,
        7,
        "carbon.sources[1]: source name 'uk' is already used by carbon.sources[0]; give each source"
            + " a distinct name");
  }

  @Test
  void emptySourceList() {
    files.assertOnly(
        "zone: DE\nteams-dir: teams.d\ncarbon: {sources: []}\n",
        3,
        19,
        "carbon.sources: list at least one source");
  }

  @Test
  void latitudeWithoutLongitude() {
    files.env = Map.of("EM_TOKEN", "t0ken");
    files.assertOnly(
        withSources("    - {type: electricitymaps, token-env: EM_TOKEN, latitude: 50.85}\n"),
        5,
        7,
        "carbon.sources[0]: give both latitude and longitude, or neither");
  }

  @Test
  void latitudeOutOfRange() {
    files.env = Map.of("EM_TOKEN", "t0ken");
    files.assertOnly(
        withSources(
            "    - {type: electricitymaps, token-env: EM_TOKEN, latitude: 95, longitude: 4.35}\n"),
        5,
        62,
        "carbon.sources[0].latitude: must be from -90 to 90, got 95.0");
  }

  @Test
  void coordinatesAreForElectricityMapsOnly() {
    files.assertOnly(
        withSources("    - {type: uk, latitude: 51.5}\n"),
        5,
        18,
        "carbon.sources[0]: key 'latitude' is not used by type uk (only by electricitymaps)");
  }

  @Test
  void ukRegionIsAnIdOrAnOutwardPostcode() {
    files.assertOnly(
        withSources("    - {type: uk, region: 18}\n"),
        5,
        26,
        "carbon.sources[0].region: expected a region id 1 to 17 or an outward postcode like RG10,"
            + " got '18'");
  }

  @Test
  void carbonAwareSdkKindIsAverageOrMarginal() {
    files.assertOnly(
        withSources("    - {type: carbon-aware-sdk, base-url: 'http://relay:8080', kind: lifecycle}\n"),
        5,
        69,
        "carbon.sources[0].kind: expected average or marginal, got 'lifecycle'");
  }

  @Test
  void everySourceTypeLoads() throws Exception {
    files.env = Map.of("EM_TOKEN", "em-secret", "CREDENTIALS_DIRECTORY", dir.toString());
    files.write("watttime", "wt-secret\r\n");
    GovernorConfig config =
        files.load(
            withSources(
                String.join(
                    "\n",
                    "    - {type: electricitymaps, token-env: EM_TOKEN, api-version: v4,",
                    "       emission-factor: lifecycle, zone: DE-X, latitude: 50.85, longitude: 4.35}",
                    "    - {type: watttime, username: ops, password-credential: watttime,",
                    "       timeout: 1s500ms}",
                    "    - {type: uk, region: '13'}",
                    "    - {type: carbon-aware-sdk, base-url: 'http://relay:8080/', kind: average}",
                    "    - {type: trace, name: replay, file: trace.csv, timing: absolute,",
                    "       column: lifecycle}",
                    "")));
    var sources = config.carbon().sources();
    assertThat(sources)
        .extracting(SourceConfig::name)
        .containsExactly("electricitymaps", "watttime", "uk", "carbon-aware-sdk", "replay");
    assertThat(sources.get(0).token().orElseThrow().reveal()).isEqualTo("em-secret");
    assertThat(sources.get(0).apiVersion()).contains(SourceConfig.ApiVersion.V4);
    assertThat(sources.get(0).emissionFactor()).contains(SourceConfig.EmissionFactor.LIFECYCLE);
    assertThat(sources.get(0).zone()).contains("DE-X");
    assertThat(sources.get(0).latitude()).contains(50.85);
    assertThat(sources.get(0).longitude()).contains(4.35);
    assertThat(sources.get(1).password().orElseThrow().reveal()).isEqualTo("wt-secret");
    assertThat(sources.get(1).username()).contains("ops");
    assertThat(sources.get(1).timeout()).contains(Duration.ofMillis(1500));
    assertThat(sources.get(2).region()).contains("13");
    assertThat(sources.get(2).timing()).isEmpty();
    assertThat(sources.get(3).type()).isEqualTo(Type.CARBON_AWARE_SDK);
    assertThat(sources.get(3).baseUrl()).contains(URI.create("http://relay:8080/"));
    assertThat(sources.get(3).kind()).contains(SourceConfig.IntensityKind.AVERAGE);
    assertThat(sources.get(4).timing()).contains(SourceConfig.Timing.ABSOLUTE);
    assertThat(sources.get(4).column()).contains(SourceConfig.Column.LIFECYCLE);
  }
}
