package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.ALICE;
import static io.carbongovernor.daemon.queue.QueueWorld.BOB;
import static io.carbongovernor.daemon.queue.QueueWorld.GPUS;
import static io.carbongovernor.daemon.queue.QueueWorld.MALLORY;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.QueueConfig;
import io.carbongovernor.daemon.config.TeamQueueRules;
import io.carbongovernor.daemon.testing.ChildProcesses;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.PowerCap;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may submit what, and what a submission is given: each refusal with its status. */
class QueueSubmitTest {

  private static final Optional<Instant> NOON = Optional.of(MIDNIGHT.plus(Duration.ofHours(12)));
  private static final Optional<Duration> HOUR = Optional.of(Duration.ofHours(1));

  @TempDir Path dir;
  private QueueWorld world;

  @BeforeEach
  void node() throws Exception {
    world = new QueueWorld(dir);
    world.queueConfig(QueueWorld.queueRules(Duration.ofMinutes(15), Duration.ofHours(24), 2, Duration.ofMinutes(1),
        Optional.empty()));
    world.open();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable call, int status) {
    return assertThatThrownBy(call::run).isInstanceOfSatisfying(QueueException.class,
        e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(status));
  }

  private SubmitRequest request(Optional<String> team) {
    return new SubmitRequest("train", team, NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
        List.of("/bin/true"), Map.of());
  }

  @Test
  void theSubmitterIsTheCallerAndTheTeamIsTheirs() {
    QueuedJob alice = world.queue.submit(ALICE, request(Optional.empty()));
    assertThat(alice.uid()).isEqualTo(ALICE);
    assertThat(alice.user()).isEqualTo("alice");
    assertThat(alice.team()).hasValue("vision");
    assertThat(world.queue.submit(MALLORY, request(Optional.empty())).team()).isEmpty();
    assertThat(world.queue.submit(BOB, request(Optional.of("nlp"))).team()).hasValue("nlp");
  }

  @Test
  void anotherTeamIsForbiddenAndAnUnknownUidRefused() {
    refused(() -> world.queue.submit(ALICE, request(Optional.of("nlp"))), 403).hasMessageContaining("not a member");
    refused(() -> world.queue.submit(ALICE, request(Optional.of("nosuch"))), 403);
    refused(() -> world.queue.submit(4242, request(Optional.empty())), 403).hasMessageContaining("no account");
    assertThat(world.queue.list(0)).isEmpty();
  }

  @Test
  void theNodeAndTheTeamMayNarrowWhoSubmits() {
    world.queueConfig(QueueWorld.queueRules(Duration.ofMinutes(15), Duration.ofHours(24), 2, Duration.ofMinutes(1),
        Optional.of(new QueueConfig.Members(List.of("bob"), List.of("vision")))));
    refused(() -> world.queue.submit(MALLORY, request(Optional.empty())), 403).hasMessageContaining("queue.submitters");
    world.queue.submit(ALICE, request(Optional.empty()));
    world.queue.submit(BOB, request(Optional.empty()));

    world.teams(world.team("vision", new TeamQueueRules(Optional.empty(), Optional.empty(),
        Optional.of(new QueueConfig.Members(List.of("runner"), List.of())))), world.team("nlp", TeamQueueRules.NONE));
    refused(() -> world.queue.submit(ALICE, request(Optional.empty())), 403).hasMessageContaining("team vision");
    world.queue.submit(world.runner, request(Optional.empty()));

    world.queueConfig(new QueueConfig(false, QueueConfig.Launcher.AUTO, Duration.ofMinutes(15), Duration.ofHours(24), 2,
        Duration.ofMinutes(1), Optional.empty()));
    refused(() -> world.queue.submit(BOB, request(Optional.empty())), 403).hasMessageContaining("queue.enabled");
  }

  @Test
  void aUserHasAtMostTheQueuedJobsTheNodeAllows() {
    world.queue.submit(ALICE, request(Optional.empty()));
    QueuedJob second = world.queue.submit(ALICE, request(Optional.empty()));
    refused(() -> world.queue.submit(ALICE, request(Optional.empty())), 429).hasMessageContaining("max-jobs-per-user");
    world.queue.submit(BOB, request(Optional.empty()));
    world.queue.cancel(ALICE, second.id());
    world.queue.submit(ALICE, request(Optional.empty()));
  }

  /** Submissions at once from one user: the limit holds for them together. */
  @Test
  void theLimitHoldsForSubmissionsAtOnce() throws Exception {
    int threads = 8;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        answers.add(pool.submit(() -> {
          together.await(ChildProcesses.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
          try {
            world.queue.submit(ALICE, request(Optional.empty()));
            return true;
          } catch (QueueException e) {
            assertThat(e.status()).isEqualTo(429);
            return false;
          }
        }));
      }
      int accepted = 0;
      for (java.util.concurrent.Future<Boolean> a : answers) {
        accepted += a.get(ChildProcesses.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(2);
      assertThat(world.queue.list(ALICE)).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badRequestsAreRefusedWithWhatIsWrong() {
    List<SubmitRequest> bad = List.of(
        new SubmitRequest("-x", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/true"), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), Path.of("work"),
            Optional.empty(), List.of("/bin/true"), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work,
            Optional.of(Path.of("out.log")), List.of("/bin/true"), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of(), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/echo", "a\0b"), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            java.util.Collections.nCopies(1025, "x"), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/echo", "x".repeat(70_000)), Map.of()),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/true"), Map.of("CUDA_VISIBLE_DEVICES", "0")),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/true"), Map.of("HOME", "/root")),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/true"), Map.of("A=B", "c")),
        new SubmitRequest("train", Optional.empty(), NOON, HOUR, new GpuRequest.None(), world.work, Optional.empty(),
            List.of("/bin/true"), Map.of("A", "c\0d")),
        new SubmitRequest("train", Optional.empty(), NOON, Optional.of(Duration.ZERO), new GpuRequest.None(),
            world.work, Optional.empty(), List.of("/bin/true"), Map.of()));
    for (SubmitRequest r : bad) {
      refused(() -> world.queue.submit(ALICE, r), 400);
    }
    assertThat(world.queue.list(0)).isEmpty();
  }

  @Test
  void aDeadlineThatCannotBeMetIsRefusedWithTheNumbers() {
    SubmitRequest tight = new SubmitRequest("train", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofMinutes(70))), HOUR, new GpuRequest.None(), world.work, Optional.empty(),
        List.of("/bin/true"), Map.of());
    refused(() -> world.queue.submit(ALICE, tight), 422)
        .hasMessageContaining("cannot meet the deadline")
        .hasMessageContaining("1h")
        .hasMessageContaining("15m");
  }

  @Test
  void withoutADeadlineTheTeamsDefaultDeferralAppliesElseOneIsRequired() {
    SubmitRequest open = new SubmitRequest("train", Optional.empty(), Optional.empty(), HOUR, new GpuRequest.None(),
        world.work, Optional.empty(), List.of("/bin/true"), Map.of());
    refused(() -> world.queue.submit(ALICE, open), 400).hasMessageContaining("--deadline is required");
    world.teams(world.team("vision", new TeamQueueRules(Optional.of(Duration.ofHours(6)), Optional.empty(),
        Optional.empty())), world.team("nlp", TeamQueueRules.NONE));
    QueuedJob job = world.queue.submit(ALICE, open);
    // Full speed: the run takes its expected hour, and the margin is kept after it.
    assertThat(job.deadline()).isEqualTo(MIDNIGHT.plus(Duration.ofHours(7)).plus(Duration.ofMinutes(15)));
    assertThat(job.latestStart()).isEqualTo(MIDNIGHT.plus(Duration.ofHours(6)));
  }

  @Test
  void thePolicysSlowdownIsPlannedFor() {
    // A per-job forecast budget of 20 %.
    world.teams(); // everyone under the default policy
    world.policy(new PolicyConfig("forecast", Policies.forecast(ForecastSettings.percent(20))));
    QueuedJob job = world.queue.submit(MALLORY, request(Optional.empty()));
    assertThat(job.latestStart()).isEqualTo(NOON.get().minus(Duration.ofMinutes(72 + 15)));
    // A team's budget: each job is held within the job ceiling, three times a 10 % budget.
    world.policy(new PolicyConfig("forecast", Policies.forecast(new ForecastSettings(0.10,
        ForecastSettings.DEFAULT_HORIZON, ForecastSettings.BudgetScope.TEAM))));
    job = world.queue.submit(BOB, request(Optional.empty()));
    assertThat(job.latestStart()).isEqualTo(NOON.get().minus(Duration.ofMinutes(78 + 15)));
    // A fixed cap sets no bound: planned at twice the expected time.
    world.policy(new PolicyConfig("static", Policies.staticCap(PowerCap.fractionOfMax(0.6))));
    job = world.queue.submit(ALICE, request(Optional.empty()));
    assertThat(job.latestStart()).isEqualTo(NOON.get().minus(Duration.ofMinutes(120 + 15)));
  }

  @Test
  void theExpectedDurationIsLearnedFromTheTeamsFinishedRunsOfTheName() throws Exception {
    SubmitRequest unknown = new SubmitRequest("bert", Optional.empty(), NOON, Optional.empty(), new GpuRequest.None(),
        world.work, Optional.empty(), List.of("/bin/true"), Map.of());
    refused(() -> world.queue.submit(world.runner, unknown), 409).hasMessageContaining("--expected");

    // Three runs of bert in team vision that took 40, 50 and 90 minutes, one that failed, and a
    // run of another name.
    run("bert", Duration.ofMinutes(40), "/bin/true");
    run("bert", Duration.ofMinutes(90), "/bin/true");
    run("bert", Duration.ofMinutes(50), "/bin/true");
    run("bert", Duration.ofMinutes(5), "/bin/false");
    run("gpt", Duration.ofMinutes(300), "/bin/true");

    QueuedJob learned = world.queue.submit(world.runner, unknown);
    assertThat(learned.expected()).isEqualTo(Duration.ofMinutes(50));
    assertThat(learned.expectedLearned()).isTrue();
    assertThat(learned.reason()).hasValue("expected 50m learned from 3 runs");
    // Another team's runs teach nothing.
    refused(() -> world.queue.submit(BOB, unknown), 409);
  }

  /** Submits, starts at once (nothing known), and finishes {@code took} later. */
  private void run(String name, Duration took, String program) throws Exception {
    Instant start = world.clock.instant();
    QueuedJob job = world.queue.submit(world.runner, new SubmitRequest(name, Optional.empty(),
        Optional.of(start.plus(Duration.ofHours(12))), HOUR, new GpuRequest.None(), world.work, Optional.empty(),
        List.of(program), Map.of()));
    world.queue.check(List.of(), List.of(), GPUS);
    world.launcher.awaitExit(job.id());
    world.clock.set(start.plus(took));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.FINISHED);
    world.clock.set(start.plus(took).plus(Duration.ofMinutes(1)));
  }

  @Test
  void onlyTheOwnerOrRootSeesOrCancelsAJob() throws Exception {
    QueuedJob job = world.queue.submit(ALICE, request(Optional.empty()));
    refused(() -> world.queue.get(BOB, job.id()), 404);
    refused(() -> world.queue.cancel(BOB, job.id()), 404).hasMessage("no queued job " + job.id());
    refused(() -> world.queue.cancel(BOB, "q-0000000000000000"), 404).hasMessage("no queued job q-0000000000000000");
    assertThat(world.queue.list(BOB)).isEmpty();
    assertThat(world.queue.list(ALICE)).extracting(QueuedJob::id).containsExactly(job.id());
    assertThat(world.queue.list(0)).extracting(QueuedJob::id).containsExactly(job.id());

    QueuedJob cancelled = world.queue.cancel(ALICE, job.id());
    assertThat(cancelled.state()).isEqualTo(QueueState.CANCELLED);
    assertThat(cancelled.reason()).hasValue("cancelled by alice");
    refused(() -> world.queue.cancel(ALICE, job.id()), 409).hasMessageContaining("ended (cancelled)");
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.launcher.calls(job.id())).isZero();

    QueuedJob byRoot = world.queue.submit(ALICE, request(Optional.empty()));
    assertThat(world.queue.cancel(0, byRoot.id()).reason()).hasValue("cancelled by uid 0");
  }

  @Test
  void aStartedJobCannotBeCancelledAndTheAnswerSaysHowToStopIt() throws Exception {
    QueuedJob job = world.queue.submit(world.runner, new SubmitRequest("train", Optional.empty(), NOON, HOUR,
        new GpuRequest.None(), world.work, Optional.empty(), List.of("/bin/sleep", "60"), Map.of()));
    world.queue.check(List.of(), List.of(), GPUS);
    long pid = world.launcher.pids.get(job.id());
    refused(() -> world.queue.cancel(world.runner, job.id()), 409).hasMessageContaining("kill " + pid);
  }
}
