package io.carbongovernor.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.testing.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes' fleet schedulers on one PostgreSQL database, in one JVM: a job that fires every
 * second runs once per fire time on one of them, and goes on when a node leaves or dies.
 */
class FleetClusterTest {

  private static final String JOB = "fleet-test";
  /** Quartz counts a node dead after its check-in interval plus 7.5 s; room for a loaded machine. */
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final PostgresServer.Database db = PostgresServer.shared().createDatabase("fleet", "fleet pw");
  private final DatabaseLogin login = new DatabaseLogin(Optional.of(db.user()), Optional.of(Secret.of("fleet pw")));
  /** Each fire time's runs, whichever node ran them. */
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final List<FleetScheduler> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(FleetScheduler::close);
  }

  private FleetScheduler node(String name, Duration every, FleetTask task) throws Exception {
    FleetScheduler node = FleetScheduler.create(db.url(), login, FleetNode.starting(name), Duration.ofSeconds(1),
        List.of(new FleetJob(JOB, new FleetSchedule.Every(every), task)), FleetRunListener.NONE, Clock.systemUTC());
    nodes.add(node);
    node.startNow();
    return node;
  }

  private String counted(Instant scheduled) {
    runs.computeIfAbsent(scheduled.toEpochMilli(), t -> new AtomicInteger()).incrementAndGet();
    return "counted";
  }

  private static long finished(List<FleetAuditRows.Row> rows, Predicate<FleetAuditRows.Row> which) {
    return rows.stream().filter(r -> r.outcome() != null).filter(which).count();
  }

  private interface Predicate<T> extends java.util.function.Predicate<T> {}

  @Test
  void eachFireTimeRunsOnceOnOneNodeAndTheOthersGoOnWhenOneLeaves() throws Exception {
    FleetScheduler a = node("node-a", Duration.ofSeconds(1), this::counted);
    node("node-b", Duration.ofSeconds(1), this::counted);
    node("node-c", Duration.ofSeconds(1), this::counted);

    FleetAuditRows.await(db::connect, JOB, WAIT, "six firings", rows -> finished(rows, r -> true) >= 6);
    a.close();
    long leftAt = System.currentTimeMillis();
    List<FleetAuditRows.Row> rows = FleetAuditRows.await(db::connect, JOB, WAIT, "five firings after node-a left",
        all -> finished(all, r -> r.scheduledMs() > leftAt) >= 5);
    nodes.forEach(FleetScheduler::close);
    rows = FleetAuditRows.read(db::connect, JOB);

    assertThat(rows).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo("ok");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.scheduledMs() % 1000).as("fire times at whole seconds, the same on every node").isZero();
    });
    assertThat(runs).as("every fire time ran once, and each run was audited")
        .containsOnlyKeys(rows.stream().map(FleetAuditRows.Row::scheduledMs).toList());
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(rows.stream().filter(r -> r.scheduledMs() > leftAt + 1000).map(FleetAuditRows.Row::node))
        .as("nothing ran on the node that left").isNotEmpty().doesNotContain("node-a");
  }

  @Test
  void aJobWhoseNodeDiesWhileRunningItIsRunAgainByAnotherNodeForTheSameFireTime() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    FleetTask firstRunHangs = scheduled -> {
      if (started.getAndIncrement() == 0) {
        never.await(); // the node dies in here
      }
      return counted(scheduled);
    };
    try {
      node("node-a", Duration.ofSeconds(2), firstRunHangs);
      node("node-b", Duration.ofSeconds(2), firstRunHangs);
      node("node-c", Duration.ofSeconds(2), firstRunHangs);
      FleetAuditRows.Row hung = FleetAuditRows.await(db::connect, JOB, WAIT, "a first firing",
          rows -> !rows.isEmpty()).get(0);
      FleetScheduler dying = nodes.stream().filter(n -> n.node().instance().equals(hung.instance())).findFirst()
          .orElseThrow();
      dying.halt();

      List<FleetAuditRows.Row> rows = FleetAuditRows.await(db::connect, JOB, WAIT,
          "the hung firing run again and three more after it",
          all -> all.get(0).outcome() != null && finished(all, r -> r.scheduledMs() > hung.scheduledMs()) >= 3);
      FleetAuditRows.Row rerun = rows.get(0);
      assertThat(rerun.scheduledMs()).isEqualTo(hung.scheduledMs());
      assertThat(rerun.attempts()).isEqualTo(2);
      assertThat(rerun.outcome()).isEqualTo("ok");
      assertThat(rerun.node()).isNotEqualTo(dying.node().node());
      nodes.remove(dying);
      nodes.forEach(FleetScheduler::close);
      rows = FleetAuditRows.read(db::connect, JOB);
      assertThat(rows).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("ok"));
      assertThat(rows.subList(1, rows.size())).allSatisfy(r -> assertThat(r.node()).isNotEqualTo(dying.node().node()));
      assertThat(runs).containsOnlyKeys(rows.stream().map(FleetAuditRows.Row::scheduledMs).toList());
      assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    } finally {
      never.countDown();
    }
  }

  @Test
  void aFailingJobIsAuditedAsFailedAndTheScheduleGoesOn() throws Exception {
    node("node-a", Duration.ofSeconds(1), scheduled -> {
      throw new java.nio.file.AccessDeniedException("/srv/reports");
    });
    List<FleetAuditRows.Row> rows = FleetAuditRows.await(db::connect, JOB, WAIT, "three failed firings",
        all -> finished(all, r -> true) >= 3);
    assertThat(rows.stream().filter(r -> r.outcome() != null)).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("failed"));
    try (var c = db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT detail FROM fleet_job_runs WHERE outcome = 'failed' LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("/srv/reports");
    }
  }
}
