package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets are read when checking files, and never appear in a message or a toString. */
class SecretsTest {

  private static final String TOKEN = "em-7f3a9c1e-SECRET";
  private static final String PASSWORD = "wt-hunter2-SECRET";
  private static final String SOURCES =
      """
      zone: DE
      teams-dir: teams.d
      carbon:
        sources:
          - {type: electricitymaps, name: em-env, token-env: EM_TOKEN}
          - {type: electricitymaps, name: em-file, token-file: secrets/em.token}
          - {type: watttime, username: ops, password-credential: watttime}
      """;

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
    files.env = Map.of("EM_TOKEN", TOKEN, "CREDENTIALS_DIRECTORY", dir.resolve("creds").toString());
    files.write("secrets/em.token", TOKEN + "\n");
    files.write("creds/watttime", PASSWORD);
  }

  @Test
  void secretsAreReadFromEnvironmentFileAndCredentials() throws Exception {
    List<SourceConfig> sources = files.load(SOURCES).carbon().sources();

    assertThat(sources.get(0).token().orElseThrow().reveal()).isEqualTo(TOKEN);
    assertThat(sources.get(1).token().orElseThrow().reveal())
        .as("one trailing newline trimmed")
        .isEqualTo(TOKEN);
    assertThat(sources.get(2).password().orElseThrow().reveal()).isEqualTo(PASSWORD);
  }

  @Test
  void onlyOneTrailingNewlineIsTrimmed() throws Exception {
    files.write("secrets/em.token", "abc\n\n");
    assertThat(files.load(SOURCES).carbon().sources().get(1).token().orElseThrow().reveal())
        .isEqualTo("abc\n");
  }

  @Test
  void noRecordPrintsASecret() throws Exception {
    GovernorConfig config = files.load(SOURCES);

    assertThat(config.toString()).doesNotContain(TOKEN, PASSWORD).contains("Secret[redacted]");
    for (SourceConfig source : config.carbon().sources()) {
      assertThat(source.toString()).doesNotContain(TOKEN, PASSWORD);
    }
  }

  @Test
  void noProblemMessagePrintsASecret() {
    // Every secret is read and valid, but the file has other problems: nothing may echo a secret.
    String broken = SOURCES.replace("zone: DE", "zone: [DE]") + "mode: bogus\n";
    List<ConfigProblem> problems = files.problems(broken);

    assertThat(problems).hasSize(2);
    assertThat(problems).allSatisfy(p -> assertThat(p.toString()).doesNotContain(TOKEN, PASSWORD));
    InvalidConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            InvalidConfigException.class,
            () -> ConfigLoader.load(files.governor(), FileChecks.CHECK, files.env));
    assertThat(e.getMessage()).doesNotContain(TOKEN, PASSWORD);
  }

  @Test
  void secretProblemsNameTheVariableButNeverAValue() {
    files.env = Map.of("EM_TOKEN", "", "OTHER", TOKEN);
    List<ConfigProblem> problems = files.problems(SOURCES);

    assertThat(problems)
        .extracting(ConfigProblem::message)
        .containsExactly(
            "carbon.sources[0].token-env: environment variable EM_TOKEN is empty",
            "carbon.sources[2].password-credential: CREDENTIALS_DIRECTORY is not set, so credential"
                + " 'watttime' cannot be read (systemd sets it for LoadCredential=)");
    assertThat(problems).allSatisfy(p -> assertThat(p.toString()).doesNotContain(TOKEN, PASSWORD));
  }

  @Test
  void secretPrintsRedactedAndComparesByIdentity() {
    Secret a = Secret.of(TOKEN);
    Secret b = Secret.of(TOKEN);
    assertThat(a).hasToString("Secret[redacted]").isNotEqualTo(b);
    assertThat(a.reveal()).isEqualTo(TOKEN);
  }

  @Test
  void skipReadsNoSecrets() throws Exception {
    files.write("governor.yaml", SOURCES);
    GovernorConfig config = ConfigLoader.load(files.governor(), FileChecks.SKIP, Map.of());
    assertThat(config.carbon().sources())
        .allSatisfy(
            s -> {
              assertThat(s.token()).isEmpty();
              assertThat(s.password()).isEmpty();
            });
  }

  @Test
  void aSecretFileMustBeARegularFileWithinItsCap() throws Exception {
    Path token = dir.resolve("secrets/em.token");
    Path credential = dir.resolve("creds/watttime");
    java.nio.file.Files.delete(token);
    java.nio.file.Files.delete(credential);
    assertThat(new ProcessBuilder("mkfifo", token.toString()).start().waitFor()).isZero();
    java.nio.file.Files.createSymbolicLink(credential, Path.of("/dev/zero"));

    List<ConfigProblem> problems =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(30), () -> files.problems(SOURCES));
    assertThat(problems)
        .extracting(ConfigProblem::toString)
        .containsExactly(
            files.governor() + ":6:58: carbon.sources[1].token-file: secret file " + token
                + " is a FIFO, not a regular file",
            files.governor() + ":7:60: carbon.sources[2].password-credential: secret file " + credential
                + " is a character device, not a regular file");

    java.nio.file.Files.delete(token);
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(token.toFile(), "rw")) {
      f.setLength((64 << 10) + 1);
    }
    java.nio.file.Files.delete(credential);
    java.nio.file.Files.createDirectory(credential);
    assertThat(files.problems(SOURCES))
        .extracting(ConfigProblem::message)
        .containsExactly(
            "carbon.sources[1].token-file: secret file " + token + " is larger than 64 KiB",
            "carbon.sources[2].password-credential: secret file " + credential
                + " is a directory, not a regular file");
  }
}
