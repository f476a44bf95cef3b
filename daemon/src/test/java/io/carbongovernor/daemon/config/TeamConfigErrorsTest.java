package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** teams.d/*.yaml: names, members, batch sizes, budgets, and clashes between teams. */
class TeamConfigErrorsTest {

  private static final String POLICY = "policy: {kind: full-speed}\n";

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
    files.write("governor.yaml", ConfigFiles.VALID);
  }

  private Path team(String name) {
    return dir.resolve("teams.d").resolve(name);
  }

  private void assertOnly(String team, String text, int line, int column, String message) {
    files.write("teams.d/" + team, text);
    ConfigFiles.assertOnly(files.problems(), team(team), line, column, message);
  }

  @Test
  void teamsLoadInNameOrderAndOtherFilesAreIgnored() throws Exception {
    files.write("teams.d/nlp.yml", "members: {groups: [nlp]}\n" + POLICY);
    files.write("teams.d/audio.yaml", "members: {users: [carol]}\n" + POLICY);
    files.write("teams.d/README.md", "not a team\n");
    files.write("teams.d/.draft.yaml", "broken: [\n");
    files.write("teams.d/vision.yaml.bak", "broken: [\n");

    List<TeamConfig> teams = files.load(ConfigFiles.VALID).teams();

    assertThat(teams).extracting(TeamConfig::name).containsExactly("audio", "nlp");
    assertThat(teams.get(0).users()).containsExactly("carol");
    assertThat(teams.get(0).groups()).isEmpty();
    assertThat(teams.get(0).batchSizes()).isEmpty();
    assertThat(teams.get(0).monthlyCarbonBudgetKg()).isEmpty();
  }

  @Test
  void badTeamFileNameIsAFileLevelProblem() {
    files.write("teams.d/Vision Team.yaml", "members: {users: [alice]}\n" + POLICY);
    assertThat(files.problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            team("Vision Team.yaml")
                + ": 'Vision Team' is not a valid team name; name team files like"
                + " vision.yaml (lowercase letters, digits, _ and -, at most 63 characters)");
  }

  @Test
  void userInTwoTeams() {
    files.write("teams.d/audio.yaml", "members: {users: [carol, alice]}\n" + POLICY);
    assertOnly(
        "vision.yaml",
        "members:\n  users: [bob, alice]\n" + POLICY,
        2,
        16,
        "members.users[1]: user 'alice' is already in team audio (" + team("audio.yaml") + ")");
  }

  @Test
  void groupInTwoTeams() {
    files.write("teams.d/audio.yaml", "members: {groups: [ml]}\n" + POLICY);
    assertOnly(
        "vision.yaml",
        "members: {groups: [ml]}\n" + POLICY,
        1,
        20,
        "members.groups[0]: group 'ml' is already in team audio (" + team("audio.yaml") + ")");
  }

  @Test
  void emptyMembers() {
    assertOnly(
        "vision.yaml",
        "members: {users: [], groups: []}\n" + POLICY,
        1,
        10,
        "members: list at least one user or group");
  }

  @Test
  void usersAsAStringInsteadOfAList() {
    assertOnly(
        "vision.yaml",
        "members:\n  users: alice\n" + POLICY,
        2,
        10,
        "members.users: expected a list like [alice, bob], got 'alice'");
  }

  @Test
  void invalidUnixName() {
    assertOnly(
        "vision.yaml",
        "members: {users: [Alice]}\n" + POLICY,
        1,
        19,
        "members.users[0]: 'Alice' is not a valid user name (lowercase letters, digits, _ and -,"
            + " at most 32 characters)");
  }

  @Test
  void batchSizesNotIncreasing() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\n" + POLICY + "batch-sizes: [128, 512, 256]\n",
        3,
        25,
        "batch-sizes[2]: batch sizes must increase: 256 comes after 512");
  }

  @Test
  void batchSizesRepeated() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\n" + POLICY + "batch-sizes: [128, 128]\n",
        3,
        20,
        "batch-sizes[1]: batch size 128 is listed twice");
  }

  @Test
  void negativeMonthlyBudget() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\n" + POLICY + "monthly-carbon-budget-kg: -5\n",
        3,
        27,
        "monthly-carbon-budget-kg: must be above 0, got -5");
  }

  @Test
  void negativeTimeWeight() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\n" + POLICY + "time-weight-g-per-hour: -1\n",
        3,
        25,
        "time-weight-g-per-hour: must be 0 or more grams per hour, got -1");
  }

  @Test
  void missingPolicy() {
    assertOnly(
        "vision.yaml",
        "# no policy\nmembers: {users: [alice]}\n",
        2,
        1,
        "missing required key 'policy'");
  }

  @Test
  void teamForecastBudgetInvalid() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\npolicy: {kind: forecast, budget: 5 percent}\n",
        2,
        34,
        "policy.budget: expected a percentage like 5% or 2.5%, got '5 percent'");
  }

  @Test
  void unknownTeamKey() {
    assertOnly(
        "vision.yaml",
        "members: {users: [alice]}\n" + POLICY + "batch-size: [128]\n",
        3,
        1,
        "unknown key 'batch-size' (did you mean 'batch-sizes'?)");
  }
}
