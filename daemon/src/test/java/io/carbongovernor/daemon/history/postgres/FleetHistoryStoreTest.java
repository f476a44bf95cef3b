package io.carbongovernor.daemon.history.postgres;

import static io.carbongovernor.daemon.history.postgres.FleetRows.T0;
import static io.carbongovernor.daemon.history.postgres.FleetRows.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.SpoolStatus;
import io.carbongovernor.daemon.testing.CapturedLog;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.PostgresServer;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.policy.batch.Emissions;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet node's store on a real PostgreSQL, its spool a real SQLite file, shipping rounds run here. */
class FleetHistoryStoreTest {

  private static final String PASSWORD = "fleet pw 'quoted'";

  private final PostgresServer.Database db = PostgresServer.shared().createDatabase("fleet", PASSWORD);
  private final MutableClock clock = new MutableClock(T0);
  private final List<FleetHistoryStore> opened = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void close() {
    opened.forEach(FleetHistoryStore::close);
  }

  private HistoryConfig config(String node, int spoolMaxSamples) {
    return new HistoryConfig(db.url(), Retention.DEFAULT,
        new DatabaseLogin(Optional.of(db.user()), Optional.of(Secret.of(PASSWORD))), Optional.of(node),
        spoolMaxSamples);
  }

  private FleetHistoryStore open(String node, String host, Path stateDir) throws Exception {
    return open(config(node, 1_000_000), host, stateDir, table -> {});
  }

  private FleetHistoryStore open(HistoryConfig config, String host, Path stateDir, Consumer<FleetTable> afterCommit)
      throws Exception {
    Files.createDirectories(stateDir);
    FleetHistoryStore store = FleetHistoryStore.open(config, stateDir, clock, dir.resolve("no-machine-id"), host,
        Optional.empty(), afterCommit);
    opened.add(store);
    return store;
  }

  /** Runs rounds until one sends everything; the rounds' results. */
  private static List<Shipper.Result> drain(FleetHistoryStore store) {
    List<Shipper.Result> results = new ArrayList<>();
    Shipper.Result r;
    do {
      r = store.shipNow();
      results.add(r);
    } while (r == Shipper.Result.MORE && results.size() < 100);
    return results;
  }

  /** {@code passes} sample passes, five seconds apart from {@code from}, and the clock at the last. */
  private void record(FleetHistoryStore store, Instant from, int passes) {
    for (int i = 0; i < passes; i++) {
      Instant at = from.plusSeconds(5L * i);
      clock.set(at.plusSeconds(5));
      store.recordEnergy(FleetRows.pass(at, 1000 + i));
    }
  }

  private void assertFleetEqualsSpool(String node, Path stateDir, long rawRows) throws Exception {
    Path spool = stateDir.resolve("spool.db");
    try (Connection c = db.connect()) {
      for (String table : List.of("energy_minute", "energy_hour")) {
        assertThat(FleetRows.fleetRollups(c, table, node)).as(table).isNotEmpty()
            .isEqualTo(FleetRows.spoolRollups(spool, table));
      }
      assertThat(number(c, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "'")).isEqualTo(rawRows);
      assertThat(number(c, "SELECT sum(samples) FROM energy_hour WHERE node = '" + node + "'"))
          .as("the hour rows count every raw sample once").isEqualTo(rawRows);
    }
  }

  @Test
  void rowsRecordedArriveWithTheNodeIdAndTheFleetRollupsEqualTheSpools() throws Exception {
    Path state = dir.resolve("a");
    FleetHistoryStore store = open("node-a", "host-a", state);
    record(store, T0, 30); // 150 s: three minutes, one hour
    store.recordSignals(T0, List.of(FleetRows.signal(T0), FleetRows.signal(T0.plusSeconds(3600))));
    store.recordDecisions(List.of(FleetRows.decision(T0), FleetRows.decision(T0.plusSeconds(60))));
    store.recordGap("GPU-1", T0.plusSeconds(10), T0.plusSeconds(20), "unreadable");
    store.recordBatchRun(new JobKey("vision", "resnet"),
        new RunOutcome(64, Energy.ofJoules(5000), Duration.ofMinutes(3), Emissions.ofGrams(1.5), true, 3), T0);

    assertThat(drain(store)).containsExactly(Shipper.Result.SENT);

    assertFleetEqualsSpool("node-a", state, 90);
    try (Connection c = db.connect()) {
      assertThat(number(c, "SELECT count(*) FROM signals WHERE node = 'node-a'")).isEqualTo(2);
      assertThat(number(c, "SELECT count(*) FROM decisions WHERE node = 'node-a'")).isEqualTo(2);
      assertThat(number(c, "SELECT count(*) FROM gaps WHERE node = 'node-a'")).isEqualTo(1);
      assertThat(number(c, "SELECT count(*) FROM batch_runs WHERE node = 'node-a' AND seq = 1")).isEqualTo(1);
      assertThat(number(c, "SELECT count(*) FROM energy_raw WHERE node <> 'node-a'")).isZero();
      assertThat(number(c, "SELECT count(*) FROM nodes WHERE node = 'node-a' AND hostname = 'host-a'")).isEqualTo(1);
    }
    Path spool = state.resolve("spool.db");
    assertThat(FleetRows.spoolNumber(spool, "SELECT count(*) FROM energy_raw"))
        .as("sent raw samples leave the spool, the newest kept as the id mark's floor").isEqualTo(1);
    assertThat(FleetRows.spoolNumber(spool, "SELECT count(*) FROM signals")).as("the control loop reads them back")
        .isEqualTo(2);
    assertThat(store.signalsSince(T0)).hasSize(2);
    assertThat(store.batchRuns().outcomes(new JobKey("vision", "resnet"))).hasSize(1);
    SpoolStatus status = store.spool().orElseThrow();
    assertThat(status.unsentSamples()).isZero();
    assertThat(status.reachable()).isTrue();
    assertThat(status.lastSent()).contains(clock.instant());
    assertThat(status.rowsSent()).isGreaterThanOrEqualTo(90 + 2 + 2 + 1 + 1);

    // More samples into the same minute and hour: the changed rows are sent again, whole.
    record(store, T0.plusSeconds(150), 6);
    assertThat(drain(store)).containsExactly(Shipper.Result.SENT);
    assertFleetEqualsSpool("node-a", state, 90 + 18);
  }

  @Test
  void aCrashBetweenTheFleetsCommitAndTheSpoolsAcknowledgementResendsAndAddsNothing() throws Exception {
    Set<FleetTable> crashAfter = EnumSet.allOf(FleetTable.class);
    Path state = dir.resolve("a");
    FleetHistoryStore store = open(config("node-a", 1_000_000), "host-a", state, table -> {
      if (crashAfter.remove(table)) {
        throw new IllegalStateException("simulated crash after the fleet committed " + table.table());
      }
    });
    record(store, T0, 12);
    store.recordDecisions(List.of(FleetRows.decision(T0)));
    store.recordSignals(T0, List.of(FleetRows.signal(T0)));
    store.recordGap("GPU-1", T0, T0.plusSeconds(5), "unreadable");
    store.recordBatchRun(new JobKey("vision", "resnet"),
        new RunOutcome(64, Energy.ofJoules(5000), Duration.ofMinutes(3), Emissions.ofGrams(1.5), true, 3), T0);

    List<Shipper.Result> rounds = new ArrayList<>();
    for (int i = 0; i < FleetTable.values().length; i++) {
      rounds.add(store.shipNow()); // each round dies after one table's commit, before its acknowledgement
      record(store, T0.plusSeconds(60L + 5L * i), 1); // and samples go on into the rows sent
    }
    assertThat(rounds).containsOnly(Shipper.Result.FAILED);
    assertThat(drain(store)).containsExactly(Shipper.Result.SENT);

    assertFleetEqualsSpool("node-a", state, 3 * (12 + FleetTable.values().length));
    try (Connection c = db.connect()) {
      for (String table : List.of("decisions", "signals", "gaps", "batch_runs")) {
        assertThat(number(c, "SELECT count(*) FROM " + table)).as(table).isEqualTo(1);
      }
    }
  }

  @Test
  void aDatabaseAwayAtStartAndMidRunGetsEveryRowOnceWhenItReturns() throws Exception {
    Path state = dir.resolve("a");
    PostgresServer server = PostgresServer.shared();
    try (CapturedLog log = CapturedLog.of("history")) {
      server.stopForOutage();
      FleetHistoryStore store;
      try {
        store = open("node-a", "host-a", state);
        record(store, T0, 10);
        for (int i = 0; i < 3; i++) {
          assertThat(store.shipNow()).isEqualTo(Shipper.Result.FAILED);
        }
        assertThat(store.spool().orElseThrow().reachable()).isFalse();
        assertThat(store.spool().orElseThrow().unsentSamples()).isEqualTo(30);
        assertThat(store.emissionsByTeamSince(T0)).as("the node's own, from the spool").containsKey("vision");
      } finally {
        server.restart();
      }
      assertThat(drain(store)).containsExactly(Shipper.Result.SENT);
      assertFleetEqualsSpool("node-a", state, 30);

      record(store, T0.plusSeconds(50), 4);
      server.stopForOutage();
      try {
        record(store, T0.plusSeconds(70), 20);
        assertThat(store.shipNow()).isEqualTo(Shipper.Result.FAILED);
        assertThat(store.shipNow()).isEqualTo(Shipper.Result.FAILED);
      } finally {
        server.restart();
      }
      assertThat(drain(store)).containsExactly(Shipper.Result.SENT);
      assertFleetEqualsSpool("node-a", state, 3 * (10 + 4 + 20));

      List<String> lines = log.lines();
      assertThat(lines.stream().filter(l -> l.contains("fleet database unreachable")))
          .as("once per outage, not per attempt").hasSize(2);
      assertThat(lines.stream().filter(l -> l.contains("fleet database reachable again"))).hasSize(2);
      assertThat(String.join("\n", lines)).contains(db.url()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void aFullSpoolDropsTheOldestRawSamplesAndKeepsTheirRollups() throws Exception {
    Path state = dir.resolve("a");
    FleetHistoryStore store = open(config("node-a", 5), "host-a", state, table -> {});
    record(store, T0, 20); // 60 raw rows, a bound of 5

    SpoolStatus status = store.spool().orElseThrow();
    assertThat(status.droppedSamples()).isEqualTo(55);
    assertThat(status.unsentSamples()).isEqualTo(5);
    assertThat(drain(store)).containsExactly(Shipper.Result.SENT);

    try (Connection c = db.connect()) {
      assertThat(number(c, "SELECT count(*) FROM energy_raw")).isEqualTo(5);
      assertThat(number(c, "SELECT min(start_ms) FROM energy_raw"))
          .as("the newest samples kept").isEqualTo(T0.plusSeconds(5 * 18).toEpochMilli());
      assertThat(number(c, "SELECT sum(samples) FROM energy_hour")).as("every sample in the rollups").isEqualTo(60);
      assertThat(FleetRows.fleetRollups(c, "energy_minute", "node-a"))
          .isEqualTo(FleetRows.spoolRollups(state.resolve("spool.db"), "energy_minute"));
    }
  }

  @Test
  void aSecondMachineWithTheSameIdIsRefusedUntilTheFirstStops() throws Exception {
    FleetHistoryStore first = open("shared-id", "host-a", dir.resolve("a"));
    record(first, T0, 2);
    assertThat(first.shipNow()).isEqualTo(Shipper.Result.SENT);

    FleetHistoryStore second;
    try (CapturedLog log = CapturedLog.of("history")) {
      second = open("shared-id", "host-b", dir.resolve("b"));
      record(second, T0.plusSeconds(10), 3);
      assertThat(second.shipNow()).isEqualTo(Shipper.Result.REFUSED);
      assertThat(second.shipNow()).isEqualTo(Shipper.Result.REFUSED);
      assertThat(second.spool().orElseThrow().refused()).isTrue();
      assertThat(log.problems()).singleElement().asString()
          .contains("another machine holds this node id").contains("host-a").contains("host-b");
    }
    try (Connection c = db.connect()) {
      assertThat(number(c, "SELECT count(*) FROM energy_raw")).as("only the first machine's").isEqualTo(6);
    }
    assertThat(first.shipNow()).as("the holder goes on").isEqualTo(Shipper.Result.SENT);

    first.close();
    assertThat(second.shipNow()).as("a stopped holder gave the id up").isEqualTo(Shipper.Result.SENT);
    assertThat(second.spool().orElseThrow().refused()).isFalse();
    try (Connection c = db.connect()) {
      assertThat(number(c, "SELECT count(*) FROM energy_raw")).isEqualTo(6 + 9);
      assertThat(number(c, "SELECT count(*) FROM nodes WHERE hostname = 'host-b'")).isEqualTo(1);
    }
  }

  @Test
  void aRestartOnTheSameStateTakesItsIdBackAtOnceAndAHolderNotSeenForAWhileLosesIt() throws Exception {
    FleetHistoryStore crashed = open("node-a", "host-a", dir.resolve("a"));
    assertThat(crashed.shipNow()).isEqualTo(Shipper.Result.SENT);
    // No clean stop (a kill -9): the next run of the same spool finds its previous instance holding the id.
    FleetHistoryStore restarted = open("node-a", "host-a", dir.resolve("a"));
    assertThat(restarted.shipNow()).isEqualTo(Shipper.Result.SENT);
    assertThat(crashed.shipNow()).as("the old instance no longer writes").isEqualTo(Shipper.Result.REFUSED);

    FleetHistoryStore elsewhere = open("node-a", "host-b", dir.resolve("b"));
    clock.set(clock.instant().plusSeconds(30));
    assertThat(elsewhere.shipNow()).isEqualTo(Shipper.Result.REFUSED);
    clock.set(clock.instant().plus(Duration.ofMinutes(2)));
    assertThat(elsewhere.shipNow()).as("the holder was not seen for two minutes").isEqualTo(Shipper.Result.SENT);
  }

  @Test
  void teamBudgetsReadTheFleetsEmissionsAndTheNodesOwnWhileTheDatabaseIsAway() throws Exception {
    FleetHistoryStore a = open("node-a", "host-a", dir.resolve("a"));
    FleetHistoryStore b = open("node-b", "host-b", dir.resolve("b"));
    record(a, T0, 4);
    record(b, T0, 4);
    double own = a.emissionsByTeamSince(T0).get("vision");
    assertThat(b.shipNow()).isEqualTo(Shipper.Result.SENT);
    assertThat(a.shipNow()).isEqualTo(Shipper.Result.SENT);

    assertThat(a.emissionsByTeamSince(T0).get("vision")).as("both nodes").isCloseTo(2 * own, org.assertj.core.data.Offset.offset(1e-9));

    clock.set(clock.instant().plus(Duration.ofMinutes(5))); // no round since: the fleet's figure is too old
    assertThat(a.emissionsByTeamSince(T0).get("vision")).isCloseTo(own, org.assertj.core.data.Offset.offset(1e-9));
  }
}
