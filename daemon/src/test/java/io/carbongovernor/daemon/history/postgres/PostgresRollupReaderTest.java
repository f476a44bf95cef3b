package io.carbongovernor.daemon.history.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.history.RollupReader.Filter;
import io.carbongovernor.daemon.history.RollupReader.Key;
import io.carbongovernor.daemon.history.RollupReader.Rollup;
import io.carbongovernor.daemon.history.RollupSums;
import io.carbongovernor.daemon.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet's history on a real PostgreSQL reads exactly as the nodes' own SQLite histories it
 * was copied from: every key, filter and rollup, before and after the day rollup, which the
 * reader then uses for the whole days it completed.
 */
class PostgresRollupReaderTest {

  private static final Instant SENT = Instant.parse("2026-11-04T07:00:00Z");
  /** Days up to 2026-11-03 have ended; 2026-11-04 goes on. */
  private static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");

  private static final List<Instant[]> RANGES = List.of(
      new Instant[] {Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-05T00:00:00Z")},
      new Instant[] {Instant.parse("2026-11-01T22:00:00Z"), Instant.parse("2026-11-03T12:30:00Z")},
      new Instant[] {Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2026-11-04T00:00:00Z")});

  @TempDir Path dir;
  private String nodeA;
  private String nodeB;
  private FleetTestDatabase fleet;

  @BeforeEach
  void histories() throws Exception {
    nodeA = "jdbc:sqlite:" + dir.resolve("a.db");
    nodeB = "jdbc:sqlite:" + dir.resolve("b.db");
    FleetHistory.writeNodeA(nodeA);
    FleetHistory.writeNodeB(nodeB);
    fleet = FleetTestDatabase.create("pgread", "reader pw");
    fleet.copy(nodeA, "node-a", SENT);
    fleet.copy(nodeB, "node-b", SENT);
  }

  private RollupReader fleetReader() throws HistoryReadException {
    return RollupReader.openReadOnly(fleet.database().url(), fleet.login(), "unused");
  }

  private List<Filter> filters(String node) {
    List<Filter> out = new ArrayList<>();
    for (Instant[] r : RANGES) {
      Optional<String> n = Optional.of(node);
      out.add(new Filter(r[0], r[1], Optional.empty(), Optional.empty(), n));
      out.add(new Filter(r[0], r[1], Optional.of("vision"), Optional.empty(), n));
      out.add(new Filter(r[0], r[1], Optional.of("nlp"), Optional.of("gpt"), n));
      out.add(new Filter(r[0], r[1], Optional.empty(), Optional.of(""), n));
    }
    return out;
  }

  /** Every read of node A's rows from the fleet equals the same read of node A's own history. */
  private void assertFleetReadsAsNodeA() throws Exception {
    try (RollupReader own = RollupReader.openReadOnly(nodeA, DatabaseLogin.NONE, "node-a");
        RollupReader shared = fleetReader()) {
      for (Filter f : filters("node-a")) {
        for (Key key : Key.values()) {
          assertThat(groups(shared.sumsBy(key, f))).as("%s %s", key, f).isEqualTo(groups(own.sumsBy(key, f)))
              .isNotEmpty();
        }
        for (Rollup rollup : Rollup.values()) {
          assertThat(buckets(shared.buckets(rollup, f))).as("%s %s", rollup, f).isEqualTo(buckets(own.buckets(rollup, f)));
        }
        assertThat(shared.energyByProfileSource(f)).as("%s", f).containsExactlyEntriesOf(own.energyByProfileSource(f));
      }
    }
  }

  @Test
  void everyKeyFilterAndRollupReadsAsTheNodesOwnHistory() throws Exception {
    assertFleetReadsAsNodeA();
  }

  @Test
  void afterTheDayRollupWholeDaysComeFromItAndReadTheSame() throws Exception {
    try (FleetMaintenance maintenance = FleetMaintenance.open(fleet.database().url(), fleet.login())) {
      assertThat(maintenance.rollUpDays(NOW)).isEqualTo(3);
    }
    assertFleetReadsAsNodeA();
    // The hours of a rolled-up day gone (kept shorter than days elsewhere), its day rows still
    // tell the same: the reader took them, not the hours.
    Filter all = new Filter(RANGES.get(0)[0], RANGES.get(0)[1], Optional.empty(), Optional.empty());
    List<String> before;
    try (RollupReader shared = fleetReader()) {
      before = groups(shared.sumsBy(Key.DAY, all));
    }
    try (Connection c = fleet.database().connect(); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("DELETE FROM energy_hour WHERE bucket_ms >= "
          + Instant.parse("2026-11-02T00:00:00Z").toEpochMilli() + " AND bucket_ms < "
          + Instant.parse("2026-11-03T00:00:00Z").toEpochMilli())).isPositive();
    }
    try (RollupReader shared = fleetReader()) {
      assertThat(groups(shared.sumsBy(Key.DAY, all))).isEqualTo(before);
    }
  }

  @Test
  void nodesAreAKeyAndAFilterAcrossTheFleet() throws Exception {
    Filter all = new Filter(RANGES.get(0)[0], RANGES.get(0)[1], Optional.empty(), Optional.empty());
    try (RollupReader a = RollupReader.openReadOnly(nodeA, DatabaseLogin.NONE, "node-a");
        RollupReader b = RollupReader.openReadOnly(nodeB, DatabaseLogin.NONE, "node-b");
        RollupReader shared = fleetReader()) {
      List<String> expected = new ArrayList<>(groups(a.sumsBy(Key.NODE, all)));
      expected.addAll(groups(b.sumsBy(Key.NODE, all)));
      assertThat(expected).hasSize(2);
      assertThat(groups(shared.sumsBy(Key.NODE, all))).isEqualTo(expected);
      Filter onlyB = new Filter(all.from(), all.to(), Optional.empty(), Optional.empty(), Optional.of("node-b"));
      assertThat(groups(shared.sumsBy(Key.TEAM, onlyB))).isEqualTo(groups(b.sumsBy(Key.TEAM, all)));
      assertThat(shared.sumsBy(Key.TEAM, all)).extracting(RollupReader.Group::key)
          .containsExactly("(idle)", "nlp", "vision");
      // A node's own history holds only itself.
      assertThat(a.sumsBy(Key.TEAM, onlyB)).isEmpty();
      assertThat(a.buckets(Rollup.HOUR, onlyB)).isEmpty();
      assertThat(a.energyByProfileSource(onlyB)).isEmpty();
    }
  }

  @Test
  void aDatabaseWithoutTheSchemaIsNoHistoryNamedWithoutSecrets() {
    PostgresServer.Database empty = PostgresServer.shared().createDatabase("pgempty", "empty pw");
    DatabaseLogin login = new DatabaseLogin(Optional.of(empty.user()), Optional.of(Secret.of("empty pw")));
    assertThatThrownBy(() -> RollupReader.openReadOnly(empty.url() + "?sslpassword=hush", login, "x"))
        .isInstanceOf(HistoryReadException.class)
        .hasMessage("no carbon-governor history at " + empty.url() + "?sslpassword=***");
  }

  @Test
  void aSchemaNewerThanThisBuildIsRefused() throws Exception {
    try (Connection c = fleet.database().connect(); Statement st = c.createStatement()) {
      st.execute("UPDATE schema_version SET version = 99");
    }
    assertThatThrownBy(this::fleetReader).isInstanceOf(HistoryReadException.class)
        .hasMessageContaining("newer than this build");
  }

  /** Groups as comparable text: doubles rounded past any difference in summing order. */
  private static List<String> groups(List<RollupReader.Group> groups) {
    return groups.stream().map(g -> g.key() + " " + g.gpuIndices() + " " + sums(g.sums())).toList();
  }

  private static List<String> buckets(List<RollupReader.Bucket> buckets) {
    return buckets.stream().map(b -> b.start() + " " + b.team() + " " + sums(b.sums())).toList();
  }

  private static String sums(RollupSums s) {
    return String.join(" ", List.of(Long.toString(s.samples()), Long.toString(s.energy().millijoules()),
        Long.toString(s.baseline().millijoules()), String.format("%.6f", s.emissions().grams()),
        String.format("%.6f", s.baselineEmissions().grams()), Long.toString(s.unknownEnergy().millijoules()),
        String.format("%.1f", s.limitMilliwattMillis()), s.busy().toString(), s.extra().toString(),
        s.throttled().toString()));
  }
}
