package io.carbongovernor.daemon.history;

import static io.carbongovernor.daemon.history.Rows.T0;
import static io.carbongovernor.daemon.history.Rows.signal;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new database is readable by its owner and group only, whatever the umask lets SQLite create
 * (the umask of a child process is tested in HistoryProcessIT).
 */
class FileModeTest {

  @TempDir Path dir;

  @Test
  void aNewDatabaseIsCreatedWithMode0640() throws Exception {
    Path db = dir.resolve("state").resolve("history.db");
    try (HistoryStore store = HistoryStore.open("jdbc:sqlite:" + db)) {
      store.recordSignal(T0, signal(0));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-r-----");
  }
}
