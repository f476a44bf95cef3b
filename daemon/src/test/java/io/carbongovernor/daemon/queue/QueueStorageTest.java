package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.ALICE;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.LocalDatabase;
import io.carbongovernor.daemon.testing.Chattr;
import io.carbongovernor.daemon.testing.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's table in the history file: refused, never lost, when it cannot be written. */
class QueueStorageTest {

  @TempDir Path dir;
  private QueueWorld world;

  @BeforeEach
  void node() throws Exception {
    world = new QueueWorld(dir);
    world.open();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private SubmitRequest request() {
    return world.request("train", Optional.of(Duration.ofHours(1)), Optional.of(MIDNIGHT.plus(Duration.ofHours(12))),
        "/bin/true");
  }

  /** SQLite cannot create its journal (a folder is in its place), so no write commits. */
  @Test
  void aSubmitThatCannotBeWrittenIsRefusedWith503AndNothingIsKept() throws Exception {
    Path journal = world.database.resolveSibling(world.database.getFileName() + "-journal");
    Files.createDirectory(journal);

    assertThatThrownBy(() -> world.queue.submit(ALICE, request())).isInstanceOfSatisfying(QueueException.class,
        e -> assertThat(e.status()).isEqualTo(503)).hasMessageContaining("not queued");

    Files.delete(journal);
    assertThat(world.queue.list(0)).isEmpty();
    world.reopen();
    assertThat(world.queue.list(0)).isEmpty();
    assertThat(world.queue.submit(ALICE, request()).state()).isEqualTo(QueueState.QUEUED);
  }

  /** An immutable database file, which even root cannot write. */
  @Test
  void aReadOnlyDatabaseRefusesSubmissions() throws Exception {
    Chattr.Result set = Chattr.run("+i", world.database);
    assumeTrue(set.succeeded(), "chattr +i refused here: " + set.output());
    try {
      assertThatThrownBy(() -> world.queue.submit(ALICE, request())).isInstanceOfSatisfying(QueueException.class,
          e -> assertThat(e.status()).isEqualTo(503));
    } finally {
      Chattr.run("-i", world.database);
    }
    assertThat(world.queue.list(0)).isEmpty();
  }

  /** A folder the database cannot be created in: opening fails, as 503. */
  @Test
  void aDatabaseThatCannotBeCreatedFailsTheOpen() throws Exception {
    Path blocked = Files.writeString(dir.resolve("not-a-folder"), "x");
    assertThatThrownBy(() -> JobQueue.open(world.config::get, blocked.resolve("history.db"), world.launcher,
        world.registry, world.accounts, world.clock)).isInstanceOfSatisfying(QueueException.class,
            e -> assertThat(e.status()).isEqualTo(503));
  }

  /** The history writer holds the write lock for longer than a submit waits: refused, not lost. */
  @Test
  void aLockHeldPastTheBusyTimeoutRefusesTheSubmit() throws Exception {
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + world.database);
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      assertThatThrownBy(() -> world.queue.submit(ALICE, request())).isInstanceOfSatisfying(QueueException.class,
          e -> assertThat(e.status()).isEqualTo(503));
      st.execute("ROLLBACK");
    }
    assertThat(world.queue.list(0)).isEmpty();
  }

  /** The history store and the queue write the same file at once; both wait their turn. */
  @Test
  void submissionsAndHistoryWritesShareTheFile() throws Exception {
    try (HistoryStore history = HistoryStore.open("jdbc:sqlite:" + world.database, world.clock)) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 200; i++) {
          history.recordSignal(MIDNIGHT, new CarbonSignal("US-CAL-CISO", MIDNIGHT.plusSeconds(i * 60L),
              MIDNIGHT.plusSeconds(i * 60L + 60), CarbonIntensity.gramsPerKwh(100 + i), SignalKind.MARGINAL, "test",
              false));
        }
      });
      List<String> ids = new ArrayList<>();
      world.queueConfig(QueueWorld.queueRules(Duration.ofMinutes(15), Duration.ofHours(24), 100,
          Duration.ofMinutes(1), Optional.empty()));
      for (int i = 0; i < 20; i++) {
        ids.add(world.queue.submit(ALICE, request()).id());
      }
      writer.get(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(history.health().totalWriteFailures()).isZero();
      assertThat(history.signalsSince(MIDNIGHT)).hasSize(200);
    }
    world.reopen();
    assertThat(world.queue.list(ALICE)).hasSize(20);
  }

  /**
   * The history store moves a damaged database aside and starts a new one: the queue follows the
   * path, and carries over every job the old file still holds.
   */
  @Test
  void aDatabaseMovedAsideHasItsJobsCarriedOverToTheNewOne() throws Exception {
    QueuedJob ended = world.queue.cancel(ALICE, world.queue.submit(ALICE, request()).id());
    QueuedJob before = world.queue.submit(ALICE, request());
    Files.move(world.database, dir.resolve("history.db.damaged"));
    QueuedJob after = world.queue.submit(ALICE, request());
    try (QueueStore store = QueueStore.open(world.database)) {
      assertThat(store.all()).extracting(s -> s.job().id(), s -> s.job().state()).containsExactlyInAnyOrder(
          tuple(ended.id(), QueueState.CANCELLED), tuple(before.id(), QueueState.QUEUED),
          tuple(after.id(), QueueState.QUEUED));
    }
  }

  /** An operator deletes the history file to start it afresh: the queued jobs are not lost with it. */
  @Test
  void aDeletedDatabaseKeepsItsQueuedJobs() throws Exception {
    QueuedJob job = world.queue.submit(ALICE, request());
    Files.delete(world.database);
    assertThat(world.queue.list(ALICE)).extracting(QueuedJob::id).containsExactly(job.id());
    assertThat(world.database).exists();
    world.reopen();
    assertThat(world.queue.list(ALICE)).extracting(QueuedJob::id, QueuedJob::state)
        .containsExactly(tuple(job.id(), QueueState.QUEUED));
  }

  /**
   * A backup restored over the path holds an older copy of a job: the queue's own copy, which is
   * newer, replaces it, so a job already cancelled is not queued again.
   */
  @Test
  void aRestoredBackupDoesNotBringBackAJobsOlderState() throws Exception {
    QueuedJob job = world.queue.submit(ALICE, request());
    Path backup = Files.copy(world.database, dir.resolve("backup.db"));
    QueuedJob other = world.queue.submit(ALICE, request());
    world.queue.cancel(ALICE, job.id());
    Files.move(backup, world.database, StandardCopyOption.REPLACE_EXISTING);
    QueuedJob last = world.queue.submit(ALICE, request());

    assertThat(world.queue.list(ALICE)).extracting(QueuedJob::id, QueuedJob::state).containsExactlyInAnyOrder(
        tuple(job.id(), QueueState.CANCELLED), tuple(other.id(), QueueState.QUEUED),
        tuple(last.id(), QueueState.QUEUED));
  }

  @Test
  void theLocalDatabaseIsTheHistoryFileOrInAFleetTheSpool() {
    assertThat(JobQueue.databaseFor(world.config.get())).hasValueSatisfying(p -> assertThat(p).isAbsolute());
    io.carbongovernor.daemon.config.HistoryConfig h = world.config.get().history();
    assertThat(LocalDatabase.of(new io.carbongovernor.daemon.config.HistoryConfig("jdbc:sqlite:/var/lib/cg/h.db",
        h.retention(), h.login(), h.nodeId(), h.spoolMaxSamples()), Path.of("/var/lib/cg")))
        .hasValue(Path.of("/var/lib/cg/h.db"));
    assertThat(LocalDatabase.of(new io.carbongovernor.daemon.config.HistoryConfig(
        "jdbc:postgresql://db.example/fleet", h.retention(), h.login(), Optional.of("node1"), h.spoolMaxSamples()),
        Path.of("/var/lib/cg"))).hasValue(Path.of("/var/lib/cg/spool.db"));
    assertThat(LocalDatabase.of(new io.carbongovernor.daemon.config.HistoryConfig("jdbc:sqlite::memory:",
        h.retention(), h.login(), h.nodeId(), h.spoolMaxSamples()), Path.of("/var/lib/cg"))).isEmpty();
  }
}
