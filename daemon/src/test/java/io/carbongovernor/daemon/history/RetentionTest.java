package io.carbongovernor.daemon.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configured retention, forever included, applied to a real SQLite history. */
class RetentionTest {

  private static final Gpu GPU =
      new Gpu(0, "GPU-0", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final Optional<Duration> FOREVER = Optional.empty();

  @TempDir Path dir;
  private String url;

  /** Three one-minute samples from 10:00: three raw rows, three minute rows, one hour row. */
  @BeforeEach
  void write() {
    url = "jdbc:sqlite:" + dir.resolve("history.db");
    try (HistoryStore store = HistoryStore.open(url)) {
      for (int m = 0; m < 3; m++) {
        Instant start = T0.plusSeconds(60L * m);
        store.recordEnergy(List.of(
            new EnergyRecord(start, start.plusSeconds(60), GPU, "vision", "", Energy.ofJoules(12_000),
                Energy.ofJoules(15_000), Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(200),
                Power.ofWatts(300), Duration.ofSeconds(60), Duration.ofSeconds(12), Duration.ofSeconds(60),
                "default")));
      }
    }
  }

  @Test
  void foreverKeepsEveryResolution() throws Exception {
    prune(T0.plus(Duration.ofDays(3650)), new Retention(FOREVER, FOREVER, FOREVER));
    assertThat(counts()).containsExactly(3L, 3L, 1L);
  }

  @Test
  void hoursKeptForeverOutliveRawAndMinutes() throws Exception {
    prune(T0.plus(Duration.ofDays(40)), new Retention(days(30), days(30), FOREVER));
    assertThat(counts()).containsExactly(0L, 0L, 1L);
  }

  @Test
  void eachResolutionExpiresAfterItsOwnDuration() throws Exception {
    Retention r = new Retention(days(1), days(2), days(5));
    prune(T0.plus(Duration.ofHours(23)), r);
    assertThat(counts()).containsExactly(3L, 3L, 1L);
    prune(T0.plus(Duration.ofDays(1)).plusSeconds(121), r); // two samples ended over a day ago
    assertThat(counts()).containsExactly(1L, 3L, 1L);
    prune(T0.plus(Duration.ofDays(3)), r);
    assertThat(counts()).containsExactly(0L, 0L, 1L);
    prune(T0.plus(Duration.ofDays(5)).plus(Duration.ofMinutes(59)), r); // the 10:00 hour ends at 11:00
    assertThat(counts()).containsExactly(0L, 0L, 1L);
    prune(T0.plus(Duration.ofDays(5)).plus(Duration.ofHours(1)), r);
    assertThat(counts()).containsExactly(0L, 0L, 0L);
  }

  @Test
  void aCoarserResolutionIsNeverKeptShorterThanAFinerOne() {
    assertThatThrownBy(() -> new Retention(days(7), days(1), FOREVER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minutes must be kept at least as long as raw samples");
    assertThatThrownBy(() -> new Retention(FOREVER, FOREVER, days(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hours must be kept at least as long as minutes");
    assertThatThrownBy(() -> new Retention(Optional.of(Duration.ZERO), days(1), FOREVER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Retention(days(7), days(7), days(7)).hours()).isEqualTo(days(7));
  }

  @Test
  void foreverIsLongerThanAnyDuration() {
    assertThat(Retention.shorter(days(1), FOREVER)).isTrue();
    assertThat(Retention.shorter(FOREVER, days(1))).isFalse();
    assertThat(Retention.shorter(FOREVER, FOREVER)).isFalse();
    assertThat(Retention.shorter(days(1), days(2))).isTrue();
    assertThat(Retention.shorter(days(2), days(2))).isFalse();
  }

  private static Optional<Duration> days(int n) {
    return Optional.of(Duration.ofDays(n));
  }

  private void prune(Instant now, Retention retention) {
    try (HistoryStore store = HistoryStore.open(url)) {
      store.prune(now, retention);
    }
  }

  /** Rows in energy_raw, energy_minute, energy_hour. */
  private List<Long> counts() throws Exception {
    try (Connection db = DriverManager.getConnection(url); Statement st = db.createStatement()) {
      return List.of(count(st, "energy_raw"), count(st, "energy_minute"), count(st, "energy_hour"));
    }
  }

  private static long count(Statement st, String table) throws Exception {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
