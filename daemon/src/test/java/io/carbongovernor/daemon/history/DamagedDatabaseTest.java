package io.carbongovernor.daemon.history;

import static io.carbongovernor.daemon.history.Rows.T0;
import static io.carbongovernor.daemon.history.Rows.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.testing.CapturedLog;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncated or corrupt database, found while open or at start: moved aside under a dated
 * name, a new one started, and the daemon told loudly where the old rows went.
 */
class DamagedDatabaseTest {

  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("history.db");
  }

  private Path movedAside() {
    return dir.resolve("history.db.damaged-20261102T100000Z");
  }

  private String url() {
    return "jdbc:sqlite:" + db();
  }

  /** A database of several pages: a day of hourly signals and a few hundred energy rows. */
  private void fill(HistoryStore store) {
    for (int h = 0; h < 24; h++) {
      store.recordSignal(T0, signal(h));
    }
    store.recordEnergy(Rows.energy(T0, 300));
  }

  private static void truncate(Path file, long size) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  private void assertMovedAsideOnce(CapturedLog log, HistoryStore store) {
    assertThat(log.problems())
        .singleElement()
        .asString()
        .startsWith("ERROR HISTORY DATABASE DAMAGED")
        .contains("cause=\"damaged\"", "file=\"" + db() + "\"", "moved_to=\"" + movedAside() + "\"");
    assertThat(store.health().problems()).containsEntry(HistoryProblem.DAMAGED, 1L);
    assertThat(store.health().totalWriteFailures()).isZero();
  }

  @Test
  void aDatabaseTruncatedWhileOpenIsMovedAsideAtTheNextWriteWhichGoesToANewOne() throws Exception {
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      fill(store);
      long half = Files.size(db()) / 2;
      truncate(db(), half);
      store.recordSignal(T0, signal(30));

      assertThat(movedAside()).hasSize(half);
      assertThat(store.signalsSince(T0)).containsExactly(signal(30));
      assertThat(Rows.count(db(), "SELECT count(*) FROM energy_raw")).isZero();
      assertMovedAsideOnce(log, store);
    }
  }

  @Test
  void aDatabaseTruncatedToNothingWhileOpenIsMovedAsideToo() throws Exception {
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      fill(store);
      truncate(db(), 0);
      store.recordEnergy(Rows.energy(T0, 1));

      assertThat(movedAside()).isEmptyFile();
      assertThat(Rows.count(db(), "SELECT count(*) FROM energy_raw")).isEqualTo(1);
      assertThat(log.problems()).singleElement().asString().contains("is empty (0 bytes): truncated");
      assertMovedAsideOnce(log, store);
    }
  }

  @Test
  void aDatabaseTruncatedBeforeStartIsMovedAsideAndTheStoreStartsWithANewOneKeepingItsMode() throws Exception {
    try (HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      fill(store);
    }
    Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("rw-------"));
    truncate(db(), 5000);
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      store.recordSignal(T0, signal(1));

      assertThat(movedAside()).hasSize(5000);
      assertThat(store.signalsSince(T0)).containsExactly(signal(1));
      assertThat(log.problems()).singleElement().asString().contains("header counts", "truncated");
      assertMovedAsideOnce(log, store);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db()))).isEqualTo("rw-------");
    }
  }

  @Test
  void aFileThatIsNoDatabaseAtStartIsMovedAsideWithTheWalAndIndexBesideIt() throws Exception {
    Files.writeString(db(), "not a database, but rows someone may want back\n".repeat(10));
    Files.writeString(dir.resolve("history.db-wal"), "a write-ahead log");
    Files.writeString(dir.resolve("history.db-shm"), "its index");
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      store.recordSignal(T0, signal(1));

      assertThat(Files.readString(movedAside())).startsWith("not a database");
      assertThat(dir.resolve("history.db.damaged-20261102T100000Z-wal")).hasContent("a write-ahead log");
      assertThat(dir.resolve("history.db.damaged-20261102T100000Z-shm")).hasContent("its index");
      assertThat(store.signalsSince(T0)).containsExactly(signal(1));
      assertMovedAsideOnce(log, store);
    }
  }

  @Test
  void aCorruptTableFoundByAReadIsMovedAsideAndTheReadAnsweredFromTheNewDatabase() throws Exception {
    try (HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      fill(store);
    }
    long root = Rows.count(db(), "SELECT rootpage FROM sqlite_schema WHERE name = 'signals'");
    long pageSize = Rows.count(db(), "PRAGMA page_size");
    try (RandomAccessFile f = new RandomAccessFile(db().toFile(), "rw")) {
      byte[] garbage = new byte[(int) pageSize];
      Arrays.fill(garbage, (byte) 0xff);
      f.seek((root - 1) * pageSize);
      f.write(garbage);
    }
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open(url(), CLOCK)) {
      assertThat(store.signalsSince(T0)).isEmpty();
      store.recordSignal(T0, signal(2));

      assertThat(movedAside()).exists();
      assertThat(store.signalsSince(T0)).containsExactly(signal(2));
      assertThat(log.problems()).singleElement().asString().contains("SQLITE_CORRUPT");
      assertMovedAsideOnce(log, store);
    }
  }

  @Test
  void aDatabaseOfANewerSchemaIsADowngradeAndStillRefused() throws Exception {
    HistoryStore.open(url(), CLOCK).close();
    try (Connection c = DriverManager.getConnection(url());
        Statement st = c.createStatement()) {
      st.execute("UPDATE schema_version SET version = 99");
    }
    assertThatThrownBy(() -> HistoryStore.open(url(), CLOCK))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("schema version 99 is newer");
    assertThat(db()).exists();
    assertThat(movedAside()).doesNotExist();
  }
}
