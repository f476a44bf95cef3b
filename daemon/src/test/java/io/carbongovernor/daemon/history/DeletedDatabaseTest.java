package io.carbongovernor.daemon.history;

import static io.carbongovernor.daemon.history.Rows.T0;
import static io.carbongovernor.daemon.history.Rows.signal;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.CapturedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database file deleted or replaced under a running store. */
class DeletedDatabaseTest {

  @TempDir Path dir;

  @Test
  void aDeletedDatabaseIsNoticedAtTheNextWriteAndANewOneStartsAtItsPath() throws Exception {
    Path db = dir.resolve("history.db");
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open("jdbc:sqlite:" + db)) {
      store.recordSignal(T0, signal(0));
      Files.delete(db);
      store.recordSignal(T0, signal(1));
      store.recordSignal(T0, signal(2));

      assertThat(db).exists();
      assertThat(Rows.count(db, "SELECT count(*) FROM signals")).isEqualTo(2);
      assertThat(Rows.count(db, "SELECT max(version) FROM schema_version")).isEqualTo(Migrations.SQLITE.latestVersion());
      assertThat(store.signalsSince(T0)).containsExactly(signal(1), signal(2));
      assertThat(log.problems())
          .singleElement()
          .asString()
          .contains("deleted while the daemon ran", "cause=\"deleted\"", "file=\"" + db + "\"");
      assertThat(store.health().problems()).containsEntry(HistoryProblem.DELETED, 1L);
      assertThat(store.health().totalWriteFailures()).isZero();
    }
  }

  /** The queue's connection to the same file noticed the deletion first and started the new file. */
  @Test
  void aNewFileStartedByTheQueueAfterADeletionIsCountedAsADeletion() throws Exception {
    Path db = dir.resolve("history.db");
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open("jdbc:sqlite:" + db)) {
      store.recordSignal(T0, signal(0));
      Files.delete(db);
      LocalDatabase.open(db).close();
      store.recordSignal(T0, signal(1));

      assertThat(store.signalsSince(T0)).containsExactly(signal(1));
      assertThat(log.problems()).singleElement().asString().contains("deleted while the daemon ran");
      assertThat(store.health().problems())
          .containsEntry(HistoryProblem.DELETED, 1L)
          .containsEntry(HistoryProblem.REPLACED, 0L);
    }
  }

  @Test
  void aFileMovedOverThePathIsTheOneWrittenFromTheNextWrite() throws Exception {
    Path db = dir.resolve("history.db");
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open("jdbc:sqlite:" + db)) {
      store.recordSignal(T0, signal(0));
      Path backup = Files.copy(db, dir.resolve("backup.db"));
      store.recordSignal(T0, signal(1));
      Files.move(backup, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE); // a restore
      store.recordSignal(T0, signal(2));

      assertThat(store.signalsSince(T0)).containsExactly(signal(0), signal(2));
      assertThat(log.problems()).singleElement().asString().contains("replaced", "cause=\"replaced\"");
      assertThat(store.health().problems()).containsEntry(HistoryProblem.REPLACED, 1L);
    }
  }
}
