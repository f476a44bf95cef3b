package io.carbongovernor.daemon.teams;

import io.carbongovernor.daemon.identity.UnixUser;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.ProcessOwner;
import io.carbongovernor.gpu.ProcessOwners;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which teams have work on each GPU: the owners of its compute processes (NVML reports host
 * pids) and of the jobs registered on it. A process whose owner cannot be read (it just exited,
 * or it lives in a pid namespace we cannot see) still counts as work, under the default policy.
 */
public final class GpuClaims {

  /** One claim on a GPU: a team, or empty for the default policy. */
  public record Claim(Optional<String> team) {}

  private final ProcessOwners owners;

  public GpuClaims(ProcessOwners owners) {
    this.owners = owners;
  }

  /**
   * The claims on each GPU; a GPU with none has no work. A GPU whose processes cannot be listed is
   * treated as busy under the default policy: better a policy than a guess that it is idle.
   */
  public Map<Gpu, Set<Claim>> resolve(GpuControl gpus, List<Gpu> gpuList, List<Job> jobs, TeamDirectory teams) {

    Map<Gpu, Set<Claim>> claims = new LinkedHashMap<>();
    for (Gpu gpu : gpuList) {
      Set<Claim> set = new LinkedHashSet<>();
      try {
        for (GpuProcess p : gpus.processes(gpu)) {
          Optional<ProcessOwner> owner = owners.owner(p.pid());
          set.add(new Claim(owner.flatMap(o -> teams.teamOf(UnixUser.of(o))).map(t -> t.name())));
        }
      } catch (GpuException e) {
        set.add(new Claim(Optional.empty()));
      }
      claims.put(gpu, set);
    }
    for (Job job : jobs) {
      for (Gpu gpu : job.gpus()) {
        claims.computeIfPresent(gpu, (g, set) -> {
          // The team is looked up again each tick, so a reload that moves the user applies.
          set.add(new Claim(teams.teamOf(job.owner()).map(t -> t.name())));
          return set;
        });
      }
    }
    return claims;
  }
}
