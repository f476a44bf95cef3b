package io.carbongovernor.daemon.history;

import static io.carbongovernor.daemon.history.Rows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.CapturedLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full database: SQLite's own page limit ({@code max_page_count}) makes inserts past it fail
 * with SQLITE_FULL on the same path a full disk takes.
 */
class DiskFullTest {

  @TempDir Path dir;

  @Test
  void writesFailWithSqliteFullLoggedOnceAndWorkAgainOnceRoomIsFreed() throws Exception {
    Path db = dir.resolve("history.db");
    HistoryStore.open("jdbc:sqlite:" + db).close();
    long schemaPages = Rows.count(db, "PRAGMA page_count");
    String url = "jdbc:sqlite:" + db + "?max_page_count=" + (schemaPages + 8);
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url)) {
      int periods = 0;
      while (store.health().totalWriteFailures() == 0 && periods < 500) {
        store.recordEnergy(Rows.energy(T0.plusSeconds(60L * periods), 20));
        periods++;
      }
      assertThat(periods).as("the limit is reached").isLessThan(500);
      for (int i = 0; i < 3; i++) {
        store.recordEnergy(Rows.energy(T0.plus(Duration.ofDays(1)).plusSeconds(60L * i), 20));
      }
      assertThat(store.health().writeFailures()).containsEntry(HistoryProblem.DISK_FULL, 4L);
      assertThat(store.health().problems()).containsEntry(HistoryProblem.DISK_FULL, 1L);
      assertThat(log.problems())
          .singleElement()
          .asString()
          .contains("history write failed", "cause=\"disk_full\"", "SQLITE_FULL", "MiB free")
          .doesNotContain("no transaction is active");
      assertThat(Rows.count(db, "SELECT count(*) FROM energy_raw")).isEqualTo(20L * (periods - 1));

      // Retention frees pages: the next write works, and the log says so once.
      Duration hour = Duration.ofHours(1);
      store.prune(T0.plus(Duration.ofDays(30)), new Retention(Optional.of(hour), Optional.of(hour), Optional.of(hour)));
      store.recordEnergy(Rows.energy(T0.plus(Duration.ofDays(30)), 20));
      assertThat(Rows.count(db, "SELECT count(*) FROM energy_raw")).isEqualTo(20);
      assertThat(log.lines())
          .filteredOn(l -> l.contains("history works again"))
          .singleElement()
          .asString()
          .contains("causes=\"disk_full\"", "failed_writes=\"4\"");
      assertThat(log.problems()).hasSize(1);
    }
  }
}
