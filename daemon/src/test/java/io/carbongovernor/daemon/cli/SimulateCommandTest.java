package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code carbon-governor simulate} as a user runs it, on hand-made inputs. */
class SimulateCommandTest {

  @TempDir Path dir;
  Path trace;
  Path profile;
  String out;
  String err;

  /**
   * A toy workload on an A40 (limits 100-300 W): at 100 W 2 s per epoch drawing 100 W, at 200 W
   * 1.25 s at 150 W, at 300 W 1 s at 200 W.
   */
  @BeforeEach
  void setUp() throws Exception {
    trace = dir.resolve("trace.csv");
    Files.writeString(trace, "time,value\n2026-03-02T00:00:00Z,100\n2026-03-02T01:00:00Z,200\n"
        + "2026-03-02T02:00:00Z,300\n2026-03-02T03:00:00Z,400\n");
    profile = dir.resolve("summary_power_a40.csv");
    Files.writeString(profile, "dataset,network,batch_size,optimizer,power_limit,time_per_epoch,average_power\n"
        + "toy,net,8,sgd,100,2.0,100\ntoy,net,8,sgd,200,1.25,150\ntoy,net,8,sgd,300,1.0,200\n");
  }

  private int run(String... args) {
    CommandLine cl = CarbonGovernorCommand.commandLine();
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    int code = cl.execute(args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  private List<String> args(String... extra) {
    List<String> args = new ArrayList<>(List.of("simulate", "--trace", trace.toString(), "--profile",
        profile.toString(), "--workload", "toy/net", "--batch-size", "8", "--epochs", "4320",
        "--start", "2026-03-02T00:00:00Z"));
    args.addAll(List.of(extra));
    return args;
  }

  private static JsonNode row(JsonNode rows, String policy, boolean sweep) {
    for (JsonNode r : rows) {
      if (r.get("policy").asString().equals(policy) && r.get("sweep").asBoolean() == sweep) {
        return r;
      }
    }
    throw new AssertionError("no row for " + policy);
  }

  @Test
  void jsonRowsAccountAsByHand() {
    int code = run(args("--policies", "full-speed,static:200W,oracle:25", "--format", "json").toArray(String[]::new));
    assertThat(code).as(err).isZero();
    JsonNode rows = JsonMapper.builder().build().readTree(out);
    JsonNode full = row(rows, "full-speed", false);
    assertThat(full.propertyNames()).containsExactlyInAnyOrder("policy", "knob", "carbon_g", "energy_kwh",
        "time_h", "carbon_change_pct", "time_change_pct", "oracle_fraction", "sweep", "frontier");
    // 3600 s * 200 W = 0.2 kWh at 100 g, then 720 s * 200 W = 0.04 kWh at 200 g.
    assertThat(full.get("carbon_g").asDouble()).isCloseTo(28.0, offset(1e-9));
    assertThat(full.get("energy_kwh").asDouble()).isCloseTo(0.24, offset(1e-9));
    assertThat(full.get("time_h").asDouble()).isCloseTo(1.2, offset(1e-9));
    assertThat(full.get("knob").isNull()).isTrue();
    // 200 W: 5400 s at 150 W: 0.15 kWh at 100 g + 0.075 kWh at 200 g = 30 g.
    JsonNode capped = row(rows, "static", false);
    assertThat(capped.get("knob").asString()).isEqualTo("cap=200W");
    assertThat(capped.get("carbon_g").asDouble()).isCloseTo(30.0, offset(1e-9));
    assertThat(capped.get("carbon_change_pct").asDouble()).isCloseTo(100.0 * 2 / 28, offset(1e-4));
    assertThat(capped.get("time_change_pct").asDouble()).isCloseTo(25.0, offset(1e-4));
    // Within 25 % more time no schedule beats full speed here (the grid only gets dirtier).
    JsonNode oracle = row(rows, "oracle", false);
    assertThat(oracle.get("carbon_g").asDouble()).isLessThanOrEqualTo(28.0 + 1e-9);
    assertThat(oracle.get("knob").asString()).isEqualTo("budget=25%");
    // Sweeps follow: every static cap the profile measured.
    assertThat(rows.findValuesAsString("knob")).contains("cap=300W", "cap=200W", "cap=100W", "budget=1%", "budget=30%");
  }

  @Test
  void csvHasTheKeysAsItsHeader() {
    assertThat(run(args("--policies", "full-speed", "--format", "csv").toArray(String[]::new))).isZero();
    assertThat(out.lines().findFirst()).hasValue(
        "policy,knob,carbon_g,energy_kwh,time_h,carbon_change_pct,time_change_pct,oracle_fraction,sweep,frontier");
    assertThat(out).contains("full-speed,,28,0.24,1.2,0,0,,false,true");
  }

  @Test
  void textShowsEveryPolicyAndTheFrontier() {
    assertThat(run(args().toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("jobs      1 of 4320 epochs (1.20 h at full speed)")
        .contains("full-speed").contains("chase      eta=0.5").contains("forecast   budget=5%")
        .contains("knob sweeps (* on the policy's carbon/time frontier)");
  }

  @Test
  void aTeamBudgetScopeSweepsForecastForATeam() {
    int code = run(args("--policies", "full-speed,forecast:10", "--budget-scope", "team", "--format", "json")
        .toArray(String[]::new));
    assertThat(code).as(err).isZero();
    JsonNode rows = JsonMapper.builder().build().readTree(out);
    assertThat(row(rows, "forecast", false).get("knob").asString()).isEqualTo("budget=10%/team");
    assertThat(rows.findValuesAsString("knob")).contains("budget=1%/team", "budget=30%/team");
    assertThat(run(args("--policies", "forecast:10", "--budget-scope", "team", "--budget-window", "365d",
        "--format", "csv").toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("forecast,budget=10%/team/365d,");
    assertThat(run(args("--policies", "forecast:10", "--budget-scope", "team", "--price-floor-window", "56d",
        "--format", "csv").toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("forecast,budget=10%/team/floor 56d,");
  }

  @Test
  void forecastIsATeamsBudgetUnlessToldOtherwise() {
    assertThat(run(args("--policies", "forecast:10", "--format", "csv").toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("forecast,budget=10%/team,");
    assertThat(run(args("--policies", "forecast:10", "--budget-scope", "job", "--format", "csv")
        .toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("forecast,budget=10%,");
  }

  @Test
  void anAdaptiveReferenceRunsAndSweepsChaseAgainstTheMedianSeen() throws Exception {
    // A day at 10 g/kWh, then 100. On the toy workload (P_ref 300 W) eta 0.5 takes 200 W only
    // above six times the reference: never against 750, but against the day's median of 10.
    StringBuilder csv = new StringBuilder("time,value\n");
    for (int h = 0; h < 30; h++) {
      csv.append(java.time.Instant.parse("2026-03-01T00:00:00Z").plusSeconds(3600L * h)).append(',')
          .append(h < 24 ? 10 : 100).append('\n');
    }
    Files.writeString(trace, csv);
    List<String> common = List.of("simulate", "--trace", trace.toString(), "--profile", profile.toString(),
        "--workload", "toy/net", "--batch-size", "8", "--epochs", "4320", "--start", "2026-03-02T00:00:00Z",
        "--policies", "full-speed,chase", "--format", "json");
    assertThat(run(common.toArray(String[]::new))).as(err).isZero();
    JsonNode published = JsonMapper.builder().build().readTree(out);
    assertThat(row(published, "chase", false).get("knob").asString()).isEqualTo("eta=0.5");
    assertThat(row(published, "chase", false).get("carbon_change_pct").asDouble()).isCloseTo(0, offset(1e-9));

    List<String> adaptive = new ArrayList<>(common);
    adaptive.addAll(List.of("--ci-ref", "adaptive"));
    assertThat(run(adaptive.toArray(String[]::new))).as(err).isZero();
    JsonNode rows = JsonMapper.builder().build().readTree(out);
    JsonNode chase = row(rows, "chase", false);
    assertThat(chase.get("knob").asString()).isEqualTo("eta=0.5/adaptive");
    // 200 W: 187.5 J an epoch instead of 200.
    assertThat(chase.get("carbon_change_pct").asDouble()).isCloseTo(-6.25, offset(1e-6));
    assertThat(rows.findValuesAsString("knob")).contains("eta=0/adaptive", "eta=1/adaptive").doesNotContain("eta=1");

    adaptive.addAll(List.of("--ci-ref-window", "2d"));
    assertThat(run(adaptive.toArray(String[]::new))).as(err).isZero();
    assertThat(row(JsonMapper.builder().build().readTree(out), "chase", false).get("knob").asString())
        .isEqualTo("eta=0.5/adaptive/2d");
  }

  @Test
  void historyBeforeTheTraceSetsATeamsPriceOfTime() throws Exception {
    // The trace climbs 100 -> 400 g. A day of 50 g before it makes every hour of the trace the
    // dirtiest the team has seen, so its price of time buys more slowdown than on the trace alone.
    Path before = dir.resolve("before.csv");
    StringBuilder day = new StringBuilder("time,value\n");
    for (int h = 0; h < 24; h++) {
      day.append(String.format("2026-03-01T%02d:00:00Z,50%n", h));
    }
    Files.writeString(before, day);
    List<String> team = List.of("--policies", "full-speed,forecast:10", "--budget-scope", "team", "--format", "json");
    assertThat(run(args(team.toArray(String[]::new)).toArray(String[]::new))).as(err).isZero();
    double alone = row(JsonMapper.builder().build().readTree(out), "forecast", false).get("time_h").asDouble();
    List<String> withHistory = new ArrayList<>(team);
    withHistory.addAll(List.of("--history", before.toString()));
    assertThat(run(args(withHistory.toArray(String[]::new)).toArray(String[]::new))).as(err).isZero();
    JsonNode rows = JsonMapper.builder().build().readTree(out);
    double after = row(rows, "forecast", false).get("time_h").asDouble();
    assertThat(after).isGreaterThan(alone + 0.01);
    // Nothing of the history is simulated: full speed is the same 28 g.
    assertThat(row(rows, "full-speed", false).get("carbon_g").asDouble()).isCloseTo(28.0, offset(1e-9));
  }

  @Test
  void historyThatDoesNotPrecedeTheTraceIsInvalidInput() throws Exception {
    assertThat(run(args("--history", trace.toString()).toArray(String[]::new))).isEqualTo(78);
    assertThat(err).contains("--history " + trace).contains("not before the simulated trace's start");
    assertThat(run(args("--history", dir.resolve("nope.csv").toString()).toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--history").contains("no such file");
  }

  @Test
  void theColumnOptionChoosesAnExportsIntensity() throws Exception {
    Files.writeString(trace, "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
        + "Carbon Intensity gCO₂eq/kWh (LCA),Data Source,Data Estimated\n"
        + "2026-03-02 00:00:00,X,X,XX,100,150,src,false\n2026-03-02 01:00:00,X,X,XX,200,300,src,false\n"
        + "2026-03-02 02:00:00,X,X,XX,300,450,src,false\n");
    assertThat(run(args("--policies", "full-speed", "--format", "json").toArray(String[]::new))).as(err).isZero();
    assertThat(row(JsonMapper.builder().build().readTree(out), "full-speed", false).get("carbon_g").asDouble())
        .isCloseTo(28.0, offset(1e-9));
    assertThat(run(args("--policies", "full-speed", "--column", "lifecycle", "--format", "json").toArray(String[]::new)))
        .as(err).isZero();
    // 1.5 x the direct intensity in every hour.
    assertThat(row(JsonMapper.builder().build().readTree(out), "full-speed", false).get("carbon_g").asDouble())
        .isCloseTo(42.0, offset(1e-9));
    assertThat(run(args("--column", "marginal").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--column: unknown trace column 'marginal': expected direct or lifecycle");
  }

  @Test
  void anEmptyTraceIsInvalidInput() throws Exception {
    Files.writeString(trace, "");
    assertThat(run(args().toArray(String[]::new))).isEqualTo(78);
    assertThat(err).startsWith("simulate: ").contains(trace.toString()).contains("empty");
  }

  @Test
  void aTraceWithAGapIsInvalidInput() throws Exception {
    Files.writeString(trace, "time,value\n2026-03-02T00:00:00Z,100\n2026-03-02T01:00:00Z,200\n"
        + "2026-03-02T05:00:00Z,300\n2026-03-02T06:00:00Z,400\n");
    assertThat(run(args().toArray(String[]::new))).isEqualTo(78);
    assertThat(err).contains("gap").contains("2026-03-02T01:00:00Z");
  }

  @Test
  void aProfileWithoutTheGpusLimitsIsInvalidInput() throws Exception {
    Files.writeString(profile, "dataset,network,batch_size,optimizer,power_limit,time_per_epoch,average_power\n"
        + "toy,net,8,sgd,150,2.0,100\ntoy,net,8,sgd,250,1.0,200\n");
    assertThat(run(args().toArray(String[]::new))).isEqualTo(78);
    assertThat(err).contains("measures 150 W to 250 W").contains("[100 W, 300 W]");
  }

  @Test
  void anUnknownWorkloadIsAUsageError() {
    List<String> args = args();
    args.set(args.indexOf("toy/net"), "imagenet/resnet51");
    assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("unknown workload 'imagenet/resnet51'").contains("available: toy/net");
  }

  @Test
  void anUnknownBatchSizeIsAUsageError() {
    List<String> args = args();
    args.set(args.indexOf("8"), "16");
    assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("no batch size 16 for toy/net").contains("[8]");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(run(args("--policies", "chase,greedy").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("unknown policy 'greedy'");
    assertThat(run(args("--policies", "chase:2").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("eta must be within [0, 1]");
    assertThat(run(args("--budget-scope", "everyone").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--budget-scope must be job or team, got 'everyone'");
    assertThat(run(args("--budget-scope", "job", "--budget-window", "30d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--budget-window applies only with --budget-scope team");
    assertThat(run(args("--budget-scope", "team", "--budget-window", "2y").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--budget-window");
    assertThat(run(args("--budget-scope", "team", "--budget-window", "400d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--budget-window: window must be within 1d and 366d, got 400d");
    assertThat(run(args("--budget-scope", "job", "--price-floor-window", "90d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--price-floor-window applies only with --budget-scope team");
    assertThat(run(args("--price-floor-window", "400d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--price-floor-window: price floor window must be within 1d and 366d, got 400d");
    assertThat(run(args("--ci-ref", "adaptiv").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--ci-ref must be gCO2eq/kWh from 1 to 3000 or adaptive, got 'adaptiv'");
    assertThat(run(args("--ci-ref", "0").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--ci-ref must be gCO2eq/kWh from 1 to 3000 or adaptive, got '0'");
    assertThat(run(args("--ci-ref-window", "30d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--ci-ref-window applies only with --ci-ref adaptive");
    assertThat(run(args("--ci-ref", "500", "--ci-ref-window", "30d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--ci-ref-window applies only with --ci-ref adaptive");
    assertThat(run(args("--ci-ref", "adaptive", "--ci-ref-window", "400d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--ci-ref-window: the reference window must be within 1d and 366d");
    assertThat(run(args("--format", "xml").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("--format must be text, json or csv");
    assertThat(run(args("--jobs-every", "1d").toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("mutually exclusive");
    List<String> late = args();
    late.set(late.indexOf("2026-03-02T00:00:00Z"), "2026-04-01T00:00:00Z");
    assertThat(run(late.toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("is outside the trace");
  }

  @Test
  void aMissingFileIsAUsageError() {
    List<String> args = args();
    args.set(args.indexOf(trace.toString()), dir.resolve("nope.csv").toString());
    assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err).contains("no such file");
  }

  @Test
  void aTraceOrProfileThatIsNoRegularFileIsBadInputAtOnce() throws Exception {
    Path fifo = dir.resolve("fifo.csv");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path link = Files.createSymbolicLink(dir.resolve("zero.csv"), Path.of("/dev/zero"));
    Path directory = Files.createDirectory(dir.resolve("traces"));
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (String option : List.of("--trace", "--history", "--profile")) {
        for (Path bad : List.of(fifo, link, directory)) {
          List<String> args = args();
          if (option.equals("--history")) {
            args.addAll(List.of("--history", bad.toString()));
          } else {
            args.set(args.indexOf(option) + 1, bad.toString());
          }
          assertThat(run(args.toArray(String[]::new))).as(option + " " + bad + ": " + err).isEqualTo(78);
          String what = bad == fifo ? "a FIFO" : bad == link ? "a character device" : "a directory";
          assertThat(err).contains(option + " " + bad + " is " + what + ", not a regular file");
        }
      }
    });
  }

  @Test
  void aBundledProfileIsTakenByName() {
    for (String name : List.of("a40", "V100")) {
      List<String> args = args("--policies", "full-speed,static");
      args.set(args.indexOf(profile.toString()), name);
      args.set(args.indexOf("toy/net"), "cifar100/shufflenetv2");
      args.set(args.indexOf("8"), "128");
      args.set(args.indexOf("4320"), "10");
      assertThat(run(args.toArray(String[]::new))).as(err).isZero();
      assertThat(out).contains("profile   zeus:" + name.toLowerCase(java.util.Locale.ROOT) + " cifar100/shufflenetv2 bs=128");
    }
  }

  @Test
  void anUnknownProfileNameListsTheBundledOnes() {
    List<String> args = args();
    args.set(args.indexOf(profile.toString()), "h100");
    assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err).isEqualTo("simulate: --profile h100: no such file, and no bundled profile of that name"
        + " (bundled: a40, v100)\n");
  }

  /** Four days of hours at 400 g/kWh but 50 from 10:00 to 18:00 each day, from 2026-03-01. */
  private Path dailyWindowTrace() throws Exception {
    StringBuilder csv = new StringBuilder("time,value\n");
    java.time.Instant t = java.time.Instant.parse("2026-03-01T00:00:00Z");
    for (int h = 0; h < 96; h++, t = t.plusSeconds(3600)) {
      csv.append(t).append(',').append(h % 24 >= 10 && h % 24 < 18 ? 50 : 400).append('\n');
    }
    Path file = dir.resolve("window.csv");
    Files.writeString(file, csv);
    return file;
  }

  @Test
  void withSlackItComparesTheDeferralContendersAtEqualDeadline() throws Exception {
    // 6 h of work at full speed (1 epoch/s), arriving at 01:00 with 18 h of slack: deferring to
    // the window at 10:00 runs all 6 h at 50 instead of at 400.
    int code = run("simulate", "--trace", dailyWindowTrace().toString(), "--profile", profile.toString(), "--workload",
        "toy/net", "--batch-size", "8", "--epochs", "21600", "--start", "2026-03-01T01:00:00Z", "--slack", "18h",
        "--perfect-forecast", "48h", "--format", "json");
    assertThat(code).as(err).isZero();
    JsonNode rows = JsonMapper.builder().build().readTree(out);
    List<String> names = new ArrayList<>();
    rows.forEach(r -> names.add(r.get("contender").asString()));
    assertThat(names).containsExactly("run-now", "defer", "forecast", "defer+forecast", "oracle");
    for (JsonNode r : rows) {
      assertThat(r.get("late_starts").asInt()).isZero();
      assertThat(r.get("missed_deadlines").asInt()).isZero();
    }
    assertThat(rows.get(1).get("carbon_change_pct").asDouble()).isCloseTo(-87.5, offset(1e-6));
    assertThat(rows.get(1).get("mean_delay_h").asDouble()).isCloseTo(9, offset(1e-9));
    assertThat(rows.get(3).get("oracle_share").asDouble()).isGreaterThan(0.99);
    assertThat(rows.get(4).get("oracle_share").asDouble()).isCloseTo(1, offset(1e-9));
  }

  @Test
  void withSlackTextAndCsvShowEveryContender() throws Exception {
    String[] common = {"simulate", "--trace", dailyWindowTrace().toString(), "--profile", profile.toString(),
        "--workload", "toy/net", "--batch-size", "8", "--epochs", "21600", "--start", "2026-03-01T01:00:00Z",
        "--slack", "18h"};
    List<String> text = new ArrayList<>(List.of(common));
    assertThat(run(text.toArray(String[]::new))).as(err).isZero();
    assertThat(out).contains("6.00 h at full speed), 18h of slack").contains("defer+forecast").contains("oracle");
    List<String> csv = new ArrayList<>(List.of(common));
    csv.addAll(List.of("--format", "csv"));
    assertThat(run(csv.toArray(String[]::new))).as(err).isZero();
    assertThat(out.lines().findFirst().orElseThrow()).isEqualTo(String.join(",", DeferralOutput.KEYS));
    assertThat(out.lines().count()).isEqualTo(6);
  }

  @Test
  void slackOptionsThatDoNotFitAreUsageErrors() throws Exception {
    String trace = dailyWindowTrace().toString();
    String[][] cases = {
      {"--slack", "4d"},
      {"--slack", "18h", "--policies", "chase"},
      {"--slack", "1h", "--margin", "2h"},
      {"--margin", "1h"},
      {"--slack", "soon"},
      {"--slack", "18h", "--perfect-forecast", "1m"},
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("simulate", "--trace", trace, "--profile", profile.toString(),
          "--workload", "toy/net", "--batch-size", "8", "--epochs", "21600", "--start", "2026-03-01T01:00:00Z"));
      args.addAll(List.of(c));
      assertThat(run(args.toArray(String[]::new))).as(String.join(" ", c) + ": " + err).isEqualTo(2);
      assertThat(err).as(String.join(" ", c)).startsWith("simulate: ");
    }
  }
}
