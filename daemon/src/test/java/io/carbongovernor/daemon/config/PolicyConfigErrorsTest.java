package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** default-policy mistakes; team policies share the same reader. */
class PolicyConfigErrorsTest {

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  private void assertOnly(String policy, int line, int column, String message) {
    // ConfigFiles.VALID has 6 lines; the policy starts on line 7.
    files.assertOnly(ConfigFiles.VALID + policy, line, column, message);
  }

  @Test
  void capWithoutUnit() {
    assertOnly(
        "default-policy: {kind: static, cap: 250}\n",
        7,
        37,
        "default-policy.cap: give a unit: 250W or 80%, not a bare number (got 250)");
  }

  @Test
  void capWithUnknownUnit() {
    assertOnly(
        "default-policy: {kind: static, cap: 250kW}\n",
        7,
        37,
        "default-policy.cap: expected a cap like 250W or 80%, got '250kW'");
  }

  @Test
  void capOfZeroPercent() {
    assertOnly(
        "default-policy: {kind: static, cap: 0%}\n",
        7, 37, "default-policy.cap: a percentage cap must be above 0% and at most 100%, got 0%");
  }

  @Test
  void capAboveHundredPercent() {
    assertOnly(
        "default-policy: {kind: static, cap: 150%}\n",
        7, 37, "default-policy.cap: a percentage cap must be above 0% and at most 100%, got 150%");
  }

  @Test
  void capOfZeroWatts() {
    assertOnly(
        "default-policy: {kind: static, cap: 0W}\n",
        7,
        37,
        "default-policy.cap: a cap in watts must be above 0W, got 0W");
  }

  @Test
  void bandsNotIncreasing() {
    assertOnly(
        """
        default-policy:
          kind: bands
          bands:
            - {below: 220, cap: 85%}
            - {below: 150, cap: 100%}
            - cap: 60%
        """,
        11,
        7,
        "default-policy.bands[1]: 'below' must increase from band to band: 150 is not above 220");
  }

  @Test
  void openBandNotLast() {
    assertOnly(
        """
        default-policy:
          kind: bands
          bands:
            - cap: 100%
            - below: 300
              cap: 60%
            - cap: 50%
        """,
        10, 7, "default-policy.bands[0]: only the last band may leave out 'below'");
  }

  @Test
  void lastBandWithBelow() {
    assertOnly(
        """
        default-policy:
          kind: bands
          bands:
            - below: 200
              cap: 100%
        """,
        10,
        7,
        "default-policy.bands[0]: the last band must leave out 'below':"
            + " it covers everything above the band before it");
  }

  @Test
  void bandBelowOutOfRange() {
    assertOnly(
        """
        default-policy:
          kind: bands
          bands: [{below: 5000, cap: 90%}, {cap: 60%}]
        """,
        9, 19, "default-policy.bands[0].below: must be from 0 to 3000 gCO2eq/kWh, got 5000");
  }

  @Test
  void chaseEtaAboveOne() {
    assertOnly(
        "default-policy: {kind: chase, eta: 1.5}\n",
        7,
        36,
        "default-policy.eta: must be from 0 to 1, got 1.5");
  }

  @Test
  void chaseReferencePowerWithoutUnit() {
    assertOnly(
        "default-policy:\n  kind: chase\n  p-ref: 300\n",
        9,
        10,
        "default-policy.p-ref: give a unit: 5W, not a bare number (got 300)");
  }

  @Test
  void chaseReferenceIntensityOutOfRange() {
    assertOnly(
        "default-policy:\n  kind: chase\n  ci-ref: 0\n",
        9,
        11,
        "default-policy.ci-ref: must be from 1 to 3000 gCO2eq/kWh, got 0");
  }

  @Test
  void chaseReferenceIntensityMisspelt() {
    assertOnly(
        "default-policy:\n  kind: chase\n  ci-ref: adaptiv\n",
        9,
        11,
        "default-policy.ci-ref: expected a number from 1 to 3000 gCO2eq/kWh or adaptive, got 'adaptiv'"
            + " (did you mean 'adaptive'?)");
  }

  @Test
  void chaseReferenceWindowBeyondAYear() {
    assertOnly(
        "default-policy: {kind: chase, ci-ref: adaptive, ci-ref-window: 400d}\n",
        7,
        64,
        "default-policy.ci-ref-window: must be between 1d and 366d, got 400d");
  }

  @Test
  void chaseReferenceWindowBelowADay() {
    assertOnly(
        "default-policy: {kind: chase, ci-ref: adaptive, ci-ref-window: 12h}\n",
        7,
        64,
        "default-policy.ci-ref-window: must be between 1d and 366d, got 12h");
  }

  @Test
  void chaseReferenceWindowWithAFixedReference() {
    assertOnly(
        "default-policy: {kind: chase, ci-ref: 500, ci-ref-window: 30d}\n",
        7,
        59,
        "default-policy.ci-ref-window: applies only with ci-ref: adaptive (a fixed reference reads no history)");
    assertOnly(
        "default-policy: {kind: chase, ci-ref-window: 30d}\n",
        7,
        46,
        "default-policy.ci-ref-window: applies only with ci-ref: adaptive (a fixed reference reads no history)");
  }

  @Test
  void chaseWithAnAdaptiveReferenceReadsItsWindowOfHistory() throws Exception {
    GovernorConfig month = files.load(ConfigFiles.VALID + "default-policy: {kind: chase, ci-ref: adaptive}\n");
    org.assertj.core.api.Assertions.assertThat(month.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(30));
    GovernorConfig year = files.load(
        ConfigFiles.VALID + "default-policy:\n  kind: chase\n  eta: 0.4\n  ci-ref: adaptive\n  ci-ref-window: 366d\n");
    org.assertj.core.api.Assertions.assertThat(year.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(366));
    GovernorConfig fixed = files.load(ConfigFiles.VALID + "default-policy: {kind: chase, ci-ref: 500}\n");
    org.assertj.core.api.Assertions.assertThat(fixed.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(2));
  }

  @Test
  void chaseAndForecastWithEveryKeyAreValid() throws Exception {
    GovernorConfig chase =
        files.load(ConfigFiles.VALID + "default-policy: {kind: chase, eta: 0.3, p-ref: 250W, ci-ref: 500}\n");
    org.assertj.core.api.Assertions.assertThat(chase.defaultPolicy().kind()).isEqualTo("chase");
    GovernorConfig forecast =
        files.load(ConfigFiles.VALID + "default-policy: {kind: forecast, budget: 2.5%, horizon: 24h}\n");
    org.assertj.core.api.Assertions.assertThat(forecast.defaultPolicy().policy().kind()).isEqualTo("forecast");
    GovernorConfig defaults = files.load(ConfigFiles.VALID + "default-policy: {kind: forecast}\n");
    org.assertj.core.api.Assertions.assertThat(defaults.defaultPolicy().kind()).isEqualTo("forecast");
    GovernorConfig team =
        files.load(ConfigFiles.VALID + "default-policy: {kind: forecast, budget: 5%, budget-scope: team}\n");
    org.assertj.core.api.Assertions.assertThat(team.defaultPolicy().kind()).isEqualTo("forecast");
    GovernorConfig year = files.load(
        ConfigFiles.VALID + "default-policy: {kind: forecast, budget-scope: team, budget-window: 365d,"
            + " price-floor-window: 100d}\n");
    org.assertj.core.api.Assertions.assertThat(year.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(365));
  }

  @Test
  void forecastBudgetWindowWithAPerJobBudget() {
    assertOnly(
        "default-policy: {kind: forecast, budget-scope: job, budget-window: 30d}\n",
        7,
        68,
        "default-policy.budget-window: applies only with budget-scope: team (a per-job budget holds for each job)");
  }

  @Test
  void forecastIsATeamsBudgetUnlessToldOtherwise() throws Exception {
    // A team's price reads its price floor's window (366 days by default; its own window, 7 days
    // by default, is within it); a per-job plan 8 days.
    GovernorConfig defaults = files.load(ConfigFiles.VALID + "default-policy: {kind: forecast}\n");
    org.assertj.core.api.Assertions.assertThat(defaults.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(366));
    GovernorConfig window = files.load(
        ConfigFiles.VALID + "default-policy: {kind: forecast, budget-window: 30d, price-floor-window: 30d}\n");
    org.assertj.core.api.Assertions.assertThat(window.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(30));
    GovernorConfig floor = files.load(ConfigFiles.VALID + "default-policy: {kind: forecast, price-floor-window: 90d}\n");
    org.assertj.core.api.Assertions.assertThat(floor.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(90));
    GovernorConfig job = files.load(ConfigFiles.VALID + "default-policy: {kind: forecast, budget-scope: job}\n");
    org.assertj.core.api.Assertions.assertThat(job.defaultPolicy().policy().historyNeeded())
        .isEqualTo(java.time.Duration.ofDays(8));
    GovernorConfig ceiling =
        files.load(ConfigFiles.VALID + "default-policy: {kind: forecast, budget: 5%, job-ceiling: 20%}\n");
    org.assertj.core.api.Assertions.assertThat(ceiling.defaultPolicy().kind()).isEqualTo("forecast");
  }

  @Test
  void forecastJobCeilingWithAPerJobBudget() {
    assertOnly(
        "default-policy: {kind: forecast, budget-scope: job, job-ceiling: 20%}\n",
        7,
        66,
        "default-policy.job-ceiling: applies only with budget-scope: team (a per-job budget is each job's bound)");
  }

  @Test
  void forecastJobCeilingBelowTheBudget() {
    assertOnly(
        "default-policy: {kind: forecast, budget: 5%, job-ceiling: 4%}\n",
        7,
        59,
        "default-policy.job-ceiling: must be at least the budget (5%), got 4%");
  }

  @Test
  void forecastPriceFloorWindowWithAPerJobBudget() {
    assertOnly(
        "default-policy: {kind: forecast, budget-scope: job, price-floor-window: 90d}\n",
        7,
        73,
        "default-policy.price-floor-window: applies only with budget-scope: team (a per-job budget prices no time)");
  }

  @Test
  void forecastPriceFloorWindowBeyondAYear() {
    assertOnly(
        "default-policy: {kind: forecast, price-floor-window: 400d}\n",
        7,
        54,
        "default-policy.price-floor-window: must be between 1d and 366d, got 400d");
  }

  @Test
  void forecastBudgetWindowBeyondAYear() {
    assertOnly(
        "default-policy: {kind: forecast, budget-scope: team, budget-window: 400d}\n",
        7,
        69,
        "default-policy.budget-window: must be between 1d and 366d, got 400d");
  }

  @Test
  void forecastBudgetScopeMisspelt() {
    assertOnly(
        "default-policy: {kind: forecast, budget-scope: teams}\n",
        7,
        48,
        "default-policy.budget-scope: expected job or team, got 'teams' (did you mean 'team'?)");
  }

  @Test
  void forecastBudgetWithoutPercentSign() {
    assertOnly(
        "default-policy: {kind: forecast, budget: 5}\n",
        7,
        42,
        "default-policy.budget: expected a percentage like 5% or 2.5%, got '5'");
  }

  @Test
  void forecastBudgetAboveHundredPercent() {
    assertOnly(
        "default-policy: {kind: forecast, budget: 150%}\n",
        7,
        42,
        "default-policy.budget: must be from 0% to 100%, got 150%");
  }

  @Test
  void forecastHorizonTooShort() {
    assertOnly(
        "default-policy:\n  kind: forecast\n  horizon: 10m\n",
        9,
        12,
        "default-policy.horizon: must be between 1h and 14d, got 10m");
  }

  @Test
  void chaseKeyOnForecast() {
    assertOnly(
        "default-policy: {kind: forecast, eta: 0.5}\n",
        7,
        34,
        "default-policy: key 'eta' is not used by policy kind forecast (only by chase)");
  }

  @Test
  void chaseIsNoFailSafe() {
    assertOnly(
        "fail-safe: {kind: chase}\n",
        7,
        19,
        "fail-safe.kind: the fail-safe must not depend on a carbon signal; use full-speed or static, not 'chase'");
  }

  @Test
  void unknownKind() {
    assertOnly(
        "default-policy: {kind: statik, cap: 80%}\n",
        7,
        24,
        "default-policy.kind: unknown policy kind 'statik'; expected full-speed, static, bands,"
            + " chase or forecast (did you mean 'static'?)");
  }

  @Test
  void keyOfAnotherKind() {
    assertOnly(
        "default-policy: {kind: full-speed, cap: 80%}\n",
        7, 36, "default-policy: key 'cap' is not used by policy kind full-speed (only by static)");
  }

  @Test
  void staticWithoutCap() {
    assertOnly(
        "default-policy:\n  kind: static\n", 8, 3, "default-policy: missing required key 'cap'");
  }
}
