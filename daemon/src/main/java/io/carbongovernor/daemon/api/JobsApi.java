package io.carbongovernor.daemon.api;

import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.jobs.BatchSizes;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobGpu;
import io.carbongovernor.daemon.jobs.JobOutcome;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.jobs.JobRequest;
import io.carbongovernor.daemon.jobs.ProgressReport;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.batch.Advice;
import io.carbongovernor.policy.batch.StopAdvice;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The job endpoints: register, list, progress, advice, finish. */
final class JobsApi {

  private static final Set<String> REGISTER_FIELDS =
      Set.of("name", "pid", "gpus", "batch_size", "accepts_batch_size_changes");
  private static final Set<String> PROGRESS_FIELDS =
      Set.of("samples_done", "iterations_done", "epoch", "metric");
  private static final Set<String> METRIC_FIELDS = Set.of("name", "value");
  /** A metric's name goes back in the job list: bounded, printable, one line. */
  private static final Pattern METRIC_NAME = Pattern.compile("(?=.*[^ ])[\\x20-\\x7E]{1,64}");
  private static final Set<String> FINISH_FIELDS = Set.of("reached_target", "epochs");

  private final JobRegistry jobs;
  private final BatchSizes batchSizes;
  private final Supplier<List<Gpu>> gpus;
  private final Supplier<Optional<TickReport>> lastTick;
  private final Clock clock;

  JobsApi(
      JobRegistry jobs,
      BatchSizes batchSizes,
      Supplier<List<Gpu>> gpus,
      Supplier<Optional<TickReport>> lastTick,
      Clock clock) {
    this.jobs = jobs;
    this.batchSizes = batchSizes;
    this.gpus = gpus;
    this.lastTick = lastTick;
    this.clock = clock;
  }

  ObjectNode register(long caller, ObjectNode body) {
    Fields f = Fields.of(body, REGISTER_FIELDS);
    JobRequest request =
        new JobRequest(
            f.string("name"),
            f.positiveLong("pid"),
            f.gpuList("gpus"),
            f.optionalPositiveInt("batch_size"),
            f.optionalBoolean("accepts_batch_size_changes").orElse(false));
    Job job = jobs.register(caller, request, gpus.get(), clock.instant());
    // A recurring job of a team that lists batch sizes gets the advisor's pick for this run;
    // other jobs the size their policy recommends now, or their own.
    Optional<Advice> learned =
        batchSizes.recommend(
            job, jobs.teamOf(job.owner()), lastTick.get().flatMap(TickReport::signal).map(s -> s.intensity()));
    job =
        jobs.adviseBatchSize(
            job.id(),
            learned.isPresent() ? OptionalInt.of(learned.get().batchSize()) : batchSize(job, lastTick.get()));
    ObjectNode out = describe(job);
    ObjectNode advice = advice(job);
    learned.ifPresent(a -> advice.put("batch_size_reason", a.reason()));
    out.set("advice", advice);
    return out;
  }

  /**
   * The caller's jobs (root: every job), each as registration describes it, with what the daemon
   * knows of it since: the batch size it trains at, its energy and emissions so far, and its last
   * progress report, with the metric that report carried.
   */
  ObjectNode list(long caller) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    ArrayNode list = out.putArray("jobs");
    // The registry's rule for reading a job: its owner, or root.
    jobs.jobs().stream()
        .filter(j -> caller == 0 || j.owner().uid() == caller)
        .forEach(j -> list.add(listed(j)));
    return out;
  }

  private ObjectNode listed(Job job) {
    ObjectNode out = describe(job);
    out.put("registered_at", job.registeredAt().toString());
    OptionalInt batch = job.runningBatchSize();
    if (batch.isPresent()) {
      out.put("batch_size", batch.getAsInt());
    } else {
      out.putNull("batch_size");
    }
    out.put("accepts_batch_size_changes", job.acceptsBatchSizeChanges());
    out.put("energy_kwh", job.energy().kilowattHours());
    out.put("emissions_g", job.emissionsGrams());
    if (job.lastReport().isEmpty()) {
      out.putNull("progress");
      return out;
    }
    Job.Reported last = job.lastReport().get();
    ObjectNode progress = out.putObject("progress");
    progress.put("work_done", last.report().workDone());
    progress.put("epoch", last.report().epoch());
    progress.put("at", last.at().toString());
    if (last.report().metricName().isPresent() && last.report().metricValue().isPresent()) {
      ObjectNode metric = progress.putObject("metric");
      metric.put("name", last.report().metricName().get());
      metric.put("value", last.report().metricValue().getAsDouble());
    }
    return out;
  }

  ObjectNode progress(long caller, String id, ObjectNode body) {
    Fields f = Fields.of(body, PROGRESS_FIELDS);
    var samples = f.optionalNonNegativeLong("samples_done");
    var iterations = f.optionalNonNegativeLong("iterations_done");
    if (samples.isPresent() == iterations.isPresent()) {
      throw new ApiException(400, "give exactly one of samples_done or iterations_done");
    }
    Optional<String> metricName = Optional.empty();
    OptionalDouble metricValue = OptionalDouble.empty();
    Optional<ObjectNode> metric = f.optionalObject("metric");
    if (metric.isPresent()) {
      Fields m = Fields.of(metric.get(), METRIC_FIELDS);
      String name = m.string("name");
      if (!METRIC_NAME.matcher(name).matches()) {
        throw new ApiException(400, "field 'name' of 'metric' must be 1-64 printable ASCII characters, not blank");
      }
      metricName = Optional.of(name);
      metricValue = m.optionalNumber("value");
      if (metricValue.isEmpty()) {
        throw new ApiException(400, "field 'value' of 'metric' is required");
      }
    }
    int epoch = (int) Math.min(Integer.MAX_VALUE, f.optionalNonNegativeLong("epoch").orElse(0));
    ProgressReport report =
        new ProgressReport(
            samples.isPresent() ? samples.getAsLong() : iterations.getAsLong(), epoch, metricName, metricValue);
    Job current = jobs.get(caller, id);
    Job job = jobs.progress(caller, id, report, clock.instant(), limitOf(current));
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("id", job.id());
    out.put("measured_limits", job.profile().throughputByLimit().size());
    out.put("measured_profile_in_use", job.profile().usable());
    Optional<StopAdvice> stop = batchSizes.shouldStop(job, jobs.teamOf(job.owner()), clock.instant());
    out.put("stop", stop.map(StopAdvice::stop).orElse(false));
    stop.filter(StopAdvice::stop).ifPresent(s -> out.put("stop_reason", s.reason()));
    return out;
  }

  ObjectNode advice(long caller, String id) {
    return advice(jobs.get(caller, id));
  }

  ObjectNode finish(long caller, String id, ObjectNode body) {
    Fields f = Fields.of(body, FINISH_FIELDS);
    boolean reached =
        f.optionalBoolean("reached_target")
            .orElseThrow(() -> new ApiException(400, "field 'reached_target' is required"));
    int epochs = (int) Math.min(Integer.MAX_VALUE, f.optionalNonNegativeLong("epochs").orElse(0));
    JobOutcome outcome = new JobOutcome(reached, epochs);
    Job job = jobs.finish(caller, id, outcome);
    batchSizes.finished(job, jobs.teamOf(job.owner()), outcome, clock.instant());
    ObjectNode out = describe(job);
    out.put("energy_kwh", job.energy().kilowattHours());
    out.put("emissions_g", job.emissionsGrams());
    out.put("finished", true);
    return out;
  }

  private ObjectNode describe(Job job) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("id", job.id());
    out.put("name", job.name());
    out.put("pid", job.pid());
    out.put("user", job.owner().name());
    out.put("uid", job.owner().uid());
    if (job.team().isPresent()) {
      out.put("team", job.team().get());
    } else {
      out.putNull("team");
    }
    ArrayNode gpuArray = out.putArray("gpus");
    job.gpus().forEach(g -> gpuArray.add(g.index()));
    putClaims(out, job);
    return out;
  }

  /** Whether the job's claim on each of its GPUs counts, and what that means, so its owner sees why. */
  private static void putClaims(ObjectNode out, Job job) {
    ArrayNode claims = out.putArray("claims");
    for (JobGpu c : job.claims()) {
      ObjectNode claim = claims.addObject();
      claim.put("gpu", c.gpu().index());
      claim.put("uuid", c.gpu().uuid());
      claim.put("state", c.state().word());
      claim.put("meaning", c.state().meaning());
    }
  }

  /**
   * The job's current power state, from the last tick, and its batch size: the one its team's
   * policy recommends, moved to the nearest size the team allows, or the job's own.
   */
  private ObjectNode advice(Job job) {
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("id", job.id());
    putClaims(out, job);
    Optional<TickReport> tick = lastTick.get();
    // A job that cannot change its batch size mid-run keeps the one advised at registration, and so
    // does a run the advisor picked the size of (it learns the run at that size); any other job
    // follows its policy's size, remembered as the size it now trains at.
    boolean follows = job.acceptsBatchSizeChanges() && !batchSizes.governs(job, jobs.teamOf(job.owner()));
    OptionalInt batch =
        follows || job.advisedBatchSize().isEmpty() ? batchSize(job, tick) : job.advisedBatchSize();
    if (follows && !batch.equals(job.advisedBatchSize())) {
      jobs.adviseBatchSize(job.id(), batch);
    }
    if (batch.isPresent()) {
      out.put("batch_size", batch.getAsInt());
    } else {
      out.putNull("batch_size");
    }
    if (tick.isEmpty()) {
      out.put("power_state", "unknown");
      out.put("reason", "the daemon has not completed a tick yet");
      return out;
    }
    List<TickReport.GpuReport> reports =
        job.gpus().stream().map(g -> tick.get().gpu(g.uuid())).flatMap(Optional::stream).toList();
    limitOf(job).ifPresent(l -> out.put("power_limit_w", l.watts()));
    out.put("power_state", powerState(reports));
    out.put("reason", reports.isEmpty() ? "GPU not read at the last tick" : reports.get(0).reason());
    tick.get().signal().ifPresent(s -> out.put("intensity_g_per_kwh", s.intensity().gramsPerKwh()));
    out.put("decided_at", tick.get().at().toString());
    return out;
  }

  private static String powerState(List<TickReport.GpuReport> reports) {
    if (reports.isEmpty()) {
      return "unknown";
    }
    if (reports.stream().anyMatch(r -> r.outcome() == LimitOutcome.Status.HELD_BY_OPERATOR)) {
      return "held-by-operator";
    }
    boolean throttled =
        reports.stream()
            .anyMatch(r -> r.limitNow().map(l -> l.isBelow(r.originalLimit())).orElse(false));
    return throttled ? "throttled" : "full-speed";
  }

  private OptionalInt batchSize(Job job, Optional<TickReport> tick) {
    Optional<TeamConfig> team = jobs.teamOf(job.owner());
    List<Integer> allowed = team.map(TeamConfig::batchSizes).orElse(List.of());
    OptionalInt recommended =
        tick.map(
                t ->
                    t.batchSizeByTeam()
                        .getOrDefault(job.team().orElse(EnergyRecord.DEFAULT_POLICY), OptionalInt.empty()))
            .orElse(OptionalInt.empty());
    if (recommended.isEmpty()) {
      return job.batchSize();
    }
    if (allowed.isEmpty()) {
      return recommended;
    }
    int want = recommended.getAsInt();
    return OptionalInt.of(
        allowed.stream().min((a, b) -> Integer.compare(Math.abs(a - want), Math.abs(b - want))).orElseThrow());
  }

  /** The lowest limit among the job's GPUs after the last tick: the one that paces the job. */
  private Optional<Power> limitOf(Job job) {
    Optional<TickReport> tick = lastTick.get();
    if (tick.isEmpty()) {
      return Optional.empty();
    }
    return job.gpus().stream()
        .map(g -> tick.get().gpu(g.uuid()).flatMap(TickReport.GpuReport::limitNow))
        .flatMap(Optional::stream)
        .min(Power::compareTo);
  }
}
