package io.carbongovernor.daemon.jobs;

import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.identity.UnixUser;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.ProcessOwner;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.gpu.Power;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training jobs that registered through the local API. Every call names its caller, whose
 * uid the kernel reported: a caller may register only its own processes (root any), and may read
 * or report only its own jobs. A job claims one of its GPUs only while its work runs there (see
 * {@link #observe}); listing a GPU claims nothing by itself.
 */
public final class JobRegistry {

  /**
   * How long a job may wait for its work to appear on a GPU it listed (a job may register before
   * it creates its CUDA context, or leave a GPU for a while) before its claim there is dropped.
   */
  public static final Duration CLAIM_GRACE = Duration.ofMinutes(10);
  /** Jobs registered at once on the node. */
  public static final int MAX_JOBS = 1024;
  /** Jobs registered at once by one uid (the uid the jobs run as), so no user fills the node's cap. */
  public static final int MAX_JOBS_PER_UID = 64;

  private static final Logger log = LoggerFactory.getLogger("jobs");
  /** What a job's name may be: also the names of submitted jobs. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

  private final ProcFs proc;
  private final ProcessTree tree;
  private final ProcessOwners owners;
  private final Supplier<TeamDirectory> teams;
  private final SecureRandom ids = new SecureRandom();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  /** The ids of jobs the queue started: a process of theirs that registers itself gets them back. */
  private final Set<String> started = new HashSet<>();

  public JobRegistry(ProcFs proc, ProcessTree tree, ProcessOwners owners, Supplier<TeamDirectory> teams) {
    this.proc = proc;
    this.tree = tree;
    this.owners = owners;
    this.teams = teams;
  }

  public Optional<TeamConfig> teamOf(UnixUser user) {
    return teams.get().teamOf(user);
  }

  /**
   * Registers a job.
   *
   * @param available the node's GPUs, to resolve the request's indices and UUIDs (any case, with
   *     or without the {@code GPU-} prefix)
   * @throws JobException 400 for a malformed request or unknown GPU or process, 403 when the
   *     process is not the caller's, 429 when the node or the process's uid has its most jobs
   */
  public synchronized Job register(long callerUid, JobRequest request, List<Gpu> available, Instant now) {
    if (!NAME.matcher(request.name()).matches()) {
      throw JobException.badRequest(
          "name must be 1-128 characters of letters, digits and ._:/- starting with a letter or digit");
    }
    if (request.gpus().isEmpty()) {
      throw JobException.badRequest("gpus must list at least one GPU index or UUID");
    }
    Optional<ProcessTree.Stat> stat = tree.stat(request.pid());
    Optional<ProcessOwner> owner = owners.owner(request.pid());
    if (stat.isEmpty() || owner.isEmpty()) {
      throw JobException.badRequest("process " + request.pid() + " does not exist");
    }
    if (callerUid != 0 && owner.get().uid() != callerUid) {
      throw JobException.forbidden(
          "process " + request.pid() + " belongs to uid " + owner.get().uid()
              + ", not to the caller (uid " + callerUid + ")");
    }
    List<Gpu> gpus = new ArrayList<>();
    for (String ref : request.gpus()) {
      Gpu gpu =
          available.stream()
              .filter(g -> g.isNamedBy(ref))
              .findFirst()
              .orElseThrow(() -> JobException.badRequest("unknown GPU '" + ref + "'"));
      if (!gpus.contains(gpu)) {
        gpus.add(gpu);
      }
    }
    if (jobs.size() >= MAX_JOBS) {
      throw new JobException(429, "too many registered jobs: the node takes at most " + MAX_JOBS);
    }
    // The job runs as the process's owner (root may register someone else's process).
    UnixUser runsAs = UnixUser.of(owner.get());
    Optional<Job> queued = startedJobOf(request.pid(), runsAs.uid());
    if (queued.isPresent()) {
      log.atInfo()
          .addKeyValue("job", queued.get().id())
          .addKeyValue("pid", request.pid())
          .addKeyValue("started_pid", queued.get().pid())
          .log("process of a queue-started job registered; it is that job");
      return queued.get();
    }
    long ofUid = jobs.values().stream().filter(j -> j.owner().uid() == runsAs.uid()).count();
    if (ofUid >= MAX_JOBS_PER_UID) {
      throw new JobException(
          429,
          "too many registered jobs for uid " + runsAs.uid() + ": one uid may have at most " + MAX_JOBS_PER_UID
              + "; finish some first");
    }
    Optional<String> team = teams.get().teamOf(runsAs).map(TeamConfig::name);
    String id = "j-" + HexFormat.of().formatHex(ids.generateSeed(8));
    Job job =
        new Job(
            id, request.name(), request.pid(), stat.get().startTicks(), runsAs, team,
            gpus.stream().map(g -> JobGpu.registered(g, now)).toList(), request.batchSize(),
            request.acceptsBatchSizeChanges(), OptionalInt.empty(), now, Optional.empty(),
            MeasuredProfile.empty(), Energy.ZERO, 0.0);
    jobs.put(id, job);
    log.atInfo()
        .addKeyValue("job", id)
        .addKeyValue("name", job.name())
        .addKeyValue("pid", job.pid())
        .addKeyValue("user", runsAs.name())
        .addKeyValue("team", team.orElse("(none)"))
        .addKeyValue("gpus", gpus.stream().map(Gpu::label).toList())
        .log("job registered");
    return job;
  }

  /**
   * The queue-started job whose process is {@code pid} or one of its parents, run by {@code uid}
   * (the same process, not a later one with its pid).
   */
  private Optional<Job> startedJobOf(long pid, long uid) {
    ProcessTree.Snapshot snapshot = tree.snapshot();
    for (String id : started) {
      Job job = jobs.get(id);
      if (job != null && job.owner().uid() == uid
          && snapshot.stat(job.pid()).map(s -> s.startTicks() == job.processStart()).orElse(false)
          && snapshot.descendsFrom(pid, job.pid())) {
        return Optional.of(job);
      }
    }
    return Optional.empty();
  }

  /**
   * Registers a job the queue started, as its submitter: no caller to check, the queue chose the
   * id (the job was given it in CARBON_GOVERNOR_JOB_ID) and the owner. A process of the job that
   * registers itself later through the API gets this job back instead of a second one.
   *
   * @return empty when the process is gone already
   * @throws JobException 429 when the node has its most jobs
   */
  public synchronized Optional<Job> registerStarted(
      String id, String name, long pid, UnixUser owner, Optional<String> team, List<Gpu> gpus, Instant now) {
    Optional<ProcessTree.Stat> stat = tree.stat(pid);
    if (stat.isEmpty()) {
      return Optional.empty();
    }
    if (!jobs.containsKey(id) && jobs.size() >= MAX_JOBS) {
      throw new JobException(429, "too many registered jobs: the node takes at most " + MAX_JOBS);
    }
    Job job =
        new Job(
            id, name, pid, stat.get().startTicks(), owner, team,
            gpus.stream().map(g -> JobGpu.registered(g, now)).toList(), OptionalInt.empty(), false,
            OptionalInt.empty(), now, Optional.empty(), MeasuredProfile.empty(), Energy.ZERO, 0.0);
    jobs.put(id, job);
    started.add(id);
    log.atInfo()
        .addKeyValue("job", id)
        .addKeyValue("name", name)
        .addKeyValue("pid", pid)
        .addKeyValue("user", owner.name())
        .addKeyValue("team", team.orElse("(none)"))
        .addKeyValue("gpus", gpus.stream().map(Gpu::label).toList())
        .log("queue-started job registered");
    return Optional.of(job);
  }

  /**
   * Records what a tick found: the GPUs each job's work ran on. A claim on a GPU whose processes
   * were listed becomes running when the job was seen there, waiting when not, and dropped (for
   * the rest of the job, logged once) when not seen there for {@link #CLAIM_GRACE}. Claims on
   * GPUs that could not be listed stay as they were.
   *
   * @param seen the GPUs each job (by id) was seen working on
   * @param listed the GPUs whose compute processes were read this tick
   */
  public synchronized void observe(Map<String, Set<Gpu>> seen, Set<Gpu> listed, Instant now) {
    for (Map.Entry<String, Job> e : jobs.entrySet()) {
      Job job = e.getValue();
      Set<Gpu> on = seen.getOrDefault(job.id(), Set.of());
      List<JobGpu> next = new ArrayList<>();
      for (JobGpu claim : job.claims()) {
        JobGpu after = listed.contains(claim.gpu()) ? claim.observed(on.contains(claim.gpu()), now, CLAIM_GRACE) : claim;
        if (after.state() == ClaimState.DROPPED && claim.state() != ClaimState.DROPPED) {
          log.atWarn()
              .addKeyValue("job", job.id())
              .addKeyValue("name", job.name())
              .addKeyValue("pid", job.pid())
              .addKeyValue("gpu", claim.gpu().label())
              .addKeyValue("grace", CLAIM_GRACE.toMinutes() + " min")
              .log("job's work did not run on the GPU within the grace period; its claim there is dropped");
        }
        next.add(after);
      }
      if (!next.equals(job.claims())) {
        e.setValue(job.withClaims(next));
      }
    }
  }

  /**
   * The caller's job.
   *
   * @throws JobException 404 when unknown, 403 when someone else's
   */
  public synchronized Job get(long callerUid, String id) {
    Job job = jobs.get(id);
    if (job == null) {
      throw JobException.notFound("no job " + id);
    }
    if (callerUid != 0 && callerUid != job.owner().uid()) {
      throw JobException.forbidden("job " + id + " belongs to another user");
    }
    return job;
  }

  /**
   * Records progress. Work done between two reports under the same limit goes into the job's
   * measured profile; an interval across a limit change is not attributed to either limit.
   *
   * @param limit the limit the job's GPUs run at now (the lowest, for a multi-GPU job)
   */
  public synchronized Job progress(
      long callerUid, String id, ProgressReport report, Instant now, Optional<Power> limit) {
    Job job = get(callerUid, id);
    MeasuredProfile profile = job.profile();
    if (job.lastReport().isPresent()) {
      Job.Reported last = job.lastReport().get();
      long work = report.workDone() - last.report().workDone();
      if (work < 0) {
        throw JobException.badRequest(
            "work done went back from " + last.report().workDone() + " to " + report.workDone());
      }
      if (limit.isPresent() && limit.equals(last.limit())) {
        profile = profile.plus(limit.get(), work, Duration.between(last.at(), now));
      }
    }
    Job updated = job.withReport(new Job.Reported(report, now, limit), profile);
    jobs.put(id, updated);
    return updated;
  }

  /** Records the batch size advised to a job at registration. */
  public synchronized Job adviseBatchSize(String id, OptionalInt batchSize) {
    Job job = jobs.get(id);
    if (job == null) {
      throw JobException.notFound("no job " + id);
    }
    Job updated = job.withAdvisedBatchSize(batchSize);
    jobs.put(id, updated);
    return updated;
  }

  /** Adds a sample period's energy (and its emissions) to a job; unknown jobs are skipped. */
  public synchronized void addUsage(String id, Energy energy, double grams) {
    jobs.computeIfPresent(id, (k, job) -> job.plusUsage(energy, grams));
  }

  /** Removes a job at its end. */
  public synchronized Job finish(long callerUid, String id, JobOutcome outcome) {
    Job job = get(callerUid, id);
    jobs.remove(id);
    started.remove(id);
    log.atInfo()
        .addKeyValue("job", id)
        .addKeyValue("name", job.name())
        .addKeyValue("reached_target", outcome.reachedTarget())
        .addKeyValue("epochs", outcome.epochs())
        .log("job finished");
    return job;
  }

  /**
   * Forgets jobs whose process has exited without finishing, or whose pid now names a process
   * that started later; returns them.
   */
  public synchronized List<Job> removeExited() {
    List<Job> gone = new ArrayList<>();
    jobs.values().removeIf(
        job -> {
          // A stat that cannot be read while the process is listed is a process on its way out:
          // the next tick decides.
          boolean reused = tree.stat(job.pid()).map(s -> s.startTicks() != job.processStart()).orElse(false);
          if (proc.alive(job.pid()) && !reused) {
            return false;
          }
          gone.add(job);
          return true;
        });
    for (Job job : gone) {
      started.remove(job.id());
      log.atInfo().addKeyValue("job", job.id()).addKeyValue("pid", job.pid()).log("job process exited; forgotten");
    }
    return gone;
  }

  /** Every registered job, in registration order. */
  public synchronized List<Job> jobs() {
    return List.copyOf(jobs.values());
  }
}
