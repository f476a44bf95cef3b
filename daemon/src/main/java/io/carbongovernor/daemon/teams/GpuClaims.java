package io.carbongovernor.daemon.teams;

import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.identity.UnixUser;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.ProcessOwner;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.gpu.SimulatedAccount;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Which teams have work on each GPU: the owners of its compute processes (NVML reports host
 * pids), and each registered job whose work is one of those processes. A job's work is its
 * registered process or a descendant of it, or a process of the same uid in its process group or
 * cgroup; a job that lists a GPU where none of its work runs claims nothing there. A process
 * whose owner cannot be read (it just exited, or it lives in a pid namespace we cannot see) still
 * counts as work, under the default policy.
 *
 * <p>A simulated backend's own work runs under simulated accounts that only it can name: their
 * teams claim its GPUs. Such an account is taken only from the simulated backend the daemon was
 * built with, and only for a pid beyond any the kernel hands out, so it can never stand for a real
 * process, whose owner always comes from /proc; and no job's work is simulated work.
 */
public final class GpuClaims {

  /** One claim on a GPU: a team, or empty for the default policy. */
  public record Claim(Optional<String> team) {}

  /**
   * One tick's answer.
   *
   * @param claims the claims on each GPU; a GPU with none has no work
   * @param jobsSeen the GPUs on which each job's work ran, by job id
   * @param listed the GPUs whose compute processes could be read
   */
  public record Resolution(Map<Gpu, Set<Claim>> claims, Map<String, Set<Gpu>> jobsSeen, Set<Gpu> listed) {
    public Resolution {
      claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims)); // in the GPUs' order
      jobsSeen = Map.copyOf(jobsSeen);
      listed = Set.copyOf(listed);
    }
  }

  private final ProcessOwners owners;
  private final ProcessTree tree;
  private final LongFunction<Optional<SimulatedAccount>> simulated;

  /** For real GPUs: every owner comes from /proc. */
  public GpuClaims(ProcessOwners owners, ProcessTree tree) {
    this(owners, tree, pid -> Optional.empty());
  }

  /** For simulated GPUs: {@code simulated} names the accounts of its simulated processes. */
  public GpuClaims(ProcessOwners owners, ProcessTree tree, SimulatedGpuControl simulated) {
    this(owners, tree, simulated::accountOf);
  }

  /** Package-private: elsewhere, simulated accounts come from a simulated backend only. */
  GpuClaims(ProcessOwners owners, ProcessTree tree, LongFunction<Optional<SimulatedAccount>> simulated) {
    this.owners = owners;
    this.tree = tree;
    this.simulated = simulated;
  }

  /**
   * The claims on each GPU. A GPU whose processes cannot be listed is treated as busy under the
   * default policy (better a policy than a guess that it is idle), and no job is seen there.
   */
  public Resolution resolve(GpuControl gpus, List<Gpu> gpuList, List<Job> jobs, TeamDirectory teams) {
    ProcessTree.Snapshot procs = tree.snapshot();
    Map<Gpu, Set<Claim>> claims = new LinkedHashMap<>();
    Map<String, Set<Gpu>> seen = new LinkedHashMap<>();
    Set<Gpu> listed = new LinkedHashSet<>();
    for (Gpu gpu : gpuList) {
      Set<Claim> set = new LinkedHashSet<>();
      claims.put(gpu, set);
      List<GpuProcess> processes;
      try {
        processes = gpus.processes(gpu);
      } catch (GpuException e) {
        set.add(new Claim(Optional.empty()));
        continue;
      }
      listed.add(gpu);
      List<Job> listing = jobs.stream().filter(j -> j.mayClaim(gpu)).toList();
      for (GpuProcess p : processes) {
        Optional<SimulatedAccount> account =
            SimulatedGpus.beyondKernelPids(p.pid()) ? simulated.apply(p.pid()) : Optional.empty();
        if (account.isPresent()) {
          set.add(new Claim(teams.teamOf(account.get().user(), account.get().groups()).map(t -> t.name())));
          continue;
        }
        Optional<ProcessOwner> owner = owners.owner(p.pid());
        set.add(new Claim(owner.flatMap(o -> teams.teamOf(UnixUser.of(o))).map(t -> t.name())));
        if (owner.isEmpty()) {
          continue; // gone, or not visible: no job can be shown to run it
        }
        for (Job job : listing) {
          if (procs.isWorkOf(p.pid(), owner.get().uid(), job.pid(), job.owner().uid())) {
            seen.computeIfAbsent(job.id(), k -> new LinkedHashSet<>()).add(gpu);
            // The team is looked up again each tick, so a reload that moves the user applies.
            set.add(new Claim(teams.teamOf(job.owner()).map(t -> t.name())));
          }
        }
      }
    }
    return new Resolution(claims, seen, listed);
  }
}
