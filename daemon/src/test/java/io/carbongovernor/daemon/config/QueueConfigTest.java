package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** governor.yaml's {@code queue:} and a team file's rules for submitted jobs. */
class QueueConfigTest {

  private static final String TEAM = "members: {users: [alice, bob]}\npolicy: {kind: full-speed}\n";

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  private Path team(String name) {
    return dir.resolve("teams.d").resolve(name);
  }

  @Test
  void withoutAQueueSectionTheDefaultsApply() throws Exception {
    assertThat(files.load(ConfigFiles.VALID).queue()).isEqualTo(QueueConfig.DEFAULTS);
  }

  @Test
  void everyKeyIsRead() throws Exception {
    QueueConfig queue = files.load(ConfigFiles.VALID + """
        queue:
          enabled: false
          launcher: systemd-run
          margin: 30m
          max-deferral: 2d
          max-jobs-per-user: 5
          check-every: 30s
          submitters: {users: [alice], groups: [vision, nlp]}
        """).queue();
    assertThat(queue).isEqualTo(new QueueConfig(false, QueueConfig.Launcher.SYSTEMD_RUN, Duration.ofMinutes(30),
        Duration.ofDays(2), 5, Duration.ofSeconds(30),
        Optional.of(new QueueConfig.Members(List.of("alice"), List.of("vision", "nlp")))));
  }

  @Test
  void unknownKeySuggestsTheClosestKnownKey() {
    files.assertOnly(ConfigFiles.VALID + "queue:\n  max-deferal: 12h\n", 8, 3,
        "queue: unknown key 'max-deferal' (did you mean 'max-deferral'?)");
  }

  @Test
  void aLauncherThatIsNoneOfTheWords() {
    files.assertOnly(ConfigFiles.VALID + "queue: {launcher: sudo}\n", 7, 19,
        "queue.launcher: expected auto, systemd-run or setpriv, got 'sudo' (did you mean 'auto'?)");
  }

  @Test
  void everyProblemOfTheSectionIsReportedAtOnce() {
    List<ConfigProblem> problems = files.problems(ConfigFiles.VALID + """
        queue:
          enabled: yes
          margin: 2d
          max-jobs-per-user: 0
          check-every: 1s
          submitters: {users: [Alice, bob, bob]}
        """);
    assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
        files.governor() + ":8:12: queue.enabled: expected true or false, got 'yes'",
        files.governor() + ":9:11: queue.margin: must be between 0s and 1d, got 2d",
        files.governor() + ":10:22: queue.max-jobs-per-user: must be from 1 to 10000, got 0",
        files.governor() + ":11:16: queue.check-every: must be between 5s and 1h, got 1s",
        files.governor() + ":12:24: queue.submitters.users[0]: 'Alice' is not a valid user name (lowercase letters,"
            + " digits, _ and -, at most 32 characters)",
        files.governor() + ":12:36: queue.submitters.users[2]: user 'bob' is listed twice");
  }

  @Test
  void submittersThatListNobody() {
    files.assertOnly(ConfigFiles.VALID + "queue:\n  submitters: {users: []}\n", 8, 15,
        "queue.submitters: list at least one user or group (leave submitters out to let every user submit)");
  }

  @Test
  void aTeamsRulesAreRead() throws Exception {
    files.write("teams.d/vision.yaml", TEAM + """
        default-deferral: 6h
        max-deferral: 12h
        submitters: {users: [alice], groups: [vision-leads]}
        """);
    TeamQueueRules rules = files.load(ConfigFiles.VALID).teams().get(0).queue();
    assertThat(rules).isEqualTo(new TeamQueueRules(Optional.of(Duration.ofHours(6)), Optional.of(Duration.ofHours(12)),
        Optional.of(new QueueConfig.Members(List.of("alice"), List.of("vision-leads")))));
  }

  @Test
  void aTeamWithoutRulesHasNone() throws Exception {
    files.write("teams.d/vision.yaml", TEAM);
    assertThat(files.load(ConfigFiles.VALID).teams().get(0).queue()).isEqualTo(TeamQueueRules.NONE);
  }

  @Test
  void aTeamsMaxDeferralAboveTheNodesNamesBothFiles() {
    files.write("governor.yaml", ConfigFiles.VALID + "queue:\n  max-deferral: 1d\n");
    files.write("teams.d/vision.yaml", TEAM + "max-deferral: 2d\n");
    ConfigFiles.assertOnly(files.problems(), team("vision.yaml"), 3, 15,
        "max-deferral: must not be above the node's queue.max-deferral, 1d (" + files.governor() + ":8:17), got 2d ("
            + team("vision.yaml") + ")");
  }

  @Test
  void aTeamsMaxDeferralAboveTheNodesDefaultSaysItIsTheDefault() {
    files.write("governor.yaml", ConfigFiles.VALID);
    files.write("teams.d/vision.yaml", TEAM + "max-deferral: 3d\n");
    ConfigFiles.assertOnly(files.problems(), team("vision.yaml"), 3, 15,
        "max-deferral: must not be above the node's queue.max-deferral, 1d (the default, " + files.governor()
            + "), got 3d (" + team("vision.yaml") + ")");
  }

  @Test
  void aDefaultDeferralAboveTheTeamsMax() {
    files.write("governor.yaml", ConfigFiles.VALID);
    files.write("teams.d/vision.yaml", TEAM + "max-deferral: 6h\ndefault-deferral: 8h\n");
    ConfigFiles.assertOnly(files.problems(), team("vision.yaml"), 4, 19,
        "default-deferral: must not be above the team's max-deferral, 6h, got 8h");
  }

  @Test
  void aSubmitterWhoIsNoMember() {
    files.write("governor.yaml", ConfigFiles.VALID);
    files.write("teams.d/vision.yaml", TEAM + "submitters: {users: [alice, mallory]}\n");
    ConfigFiles.assertOnly(files.problems(), team("vision.yaml"), 3, 29,
        "submitters.users[1]: user 'mallory' may submit but is not a member of the team; add it to members.users");
  }

  @Test
  void everyTeamProblemIsReportedWithTheNodesAtOnce() {
    files.write("governor.yaml", ConfigFiles.VALID + "queue: {check-every: 2h}\n");
    files.write("teams.d/vision.yaml", TEAM + "max-deferral: 40d\nsubmitterz: {}\n");
    assertThat(files.problems()).extracting(ConfigProblem::toString).containsExactly(
        files.governor() + ":7:22: queue.check-every: must be between 5s and 1h, got 2h",
        team("vision.yaml") + ":3:15: max-deferral: must be between 1m and 30d, got 40d",
        team("vision.yaml") + ":4:1: unknown key 'submitterz' (did you mean 'submitters'?)");
  }
}
