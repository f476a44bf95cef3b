package io.carbongovernor.daemon.history;

import static io.carbongovernor.daemon.history.Rows.T0;
import static io.carbongovernor.daemon.history.Rows.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carbongovernor.daemon.testing.CapturedLog;
import io.carbongovernor.daemon.testing.Chattr;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database the kernel refuses to write: made immutable ({@code chattr +i}), which binds root
 * too, unlike file modes. Writes fail, are counted and logged once with the fix, and work again
 * by themselves once the flag is cleared.
 */
class ReadOnlyDatabaseTest {

  @TempDir Path dir;

  @AfterEach
  void clearFlags() throws Exception {
    Chattr.clearAll(dir);
  }

  @Test
  void anImmutableDatabaseFailsWritesAsReadOnlyLoggedOnceAndWorksAgainWhenTheFlagGoes() throws Exception {
    Path db = dir.resolve("history.db");
    try (CapturedLog log = CapturedLog.of("history");
        HistoryStore store = HistoryStore.open("jdbc:sqlite:" + db)) {
      store.recordSignal(T0, signal(0));
      Chattr.Result set = Chattr.run("+i", db);
      assumeTrue(set.succeeded(), "the kernel refused chattr +i here: " + set.output());

      for (int h = 1; h <= 3; h++) {
        store.recordSignal(T0, signal(h));
      }
      assertThat(store.health().writeFailures()).containsEntry(HistoryProblem.READ_ONLY, 3L);
      assertThat(store.health().problems()).containsEntry(HistoryProblem.READ_ONLY, 1L);
      assertThat(log.problems())
          .singleElement()
          .asString()
          .contains("history write failed", "cause=\"read_only\"", db + " is not writable", "mode 0640",
              "lsattr " + db, "chattr -i " + db);

      assertThat(Chattr.run("-i", db).succeeded()).isTrue();
      store.recordSignal(T0, signal(4));
      assertThat(store.signalsSince(T0)).containsExactly(signal(0), signal(4));
      assertThat(log.lines())
          .filteredOn(l -> l.contains("history works again"))
          .singleElement()
          .asString()
          .contains("causes=\"read_only\"", "failed_writes=\"3\"");
      assertThat(log.problems()).hasSize(1);
    }
  }
}
