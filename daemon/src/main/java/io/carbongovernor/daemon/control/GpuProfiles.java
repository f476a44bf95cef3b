package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.accounting.Accounting;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.PowerProfile;
import java.util.Optional;
import java.util.function.Function;

/**
 * The workload profile behind each GPU's decisions and savings estimates, by trust
 * (docs/reports-and-accounting.md, "Accounting"): measured online for a job whose work runs on
 * the GPU, once it has enough points, else the built-in default for the GPU (its configured
 * simulated workload, or its family's Zeus measurements).
 * Team files carry no profile yet, so "configured" does not occur.
 */
final class GpuProfiles {

  static final String MEASURED = "measured";
  static final String DEFAULT = "default";

  private final Function<Gpu, Optional<PowerProfile>> defaults;
  private final JobRegistry jobs;

  GpuProfiles(Function<Gpu, Optional<PowerProfile>> defaults, JobRegistry jobs) {
    this.defaults = defaults;
    this.jobs = jobs;
  }

  /** The profile a policy should use for the GPU. */
  Optional<PowerProfile> profile(Gpu gpu) {
    return model(gpu).map(Accounting.Model::profile);
  }

  /** The profile with where it came from, for accounting. */
  Optional<Accounting.Model> model(Gpu gpu) {
    Optional<PowerProfile> fallback = defaults.apply(gpu);
    for (Job job : jobs.jobs()) {
      if (job.runsOn(gpu)) {
        Optional<PowerProfile> measured = job.profile().asProfile("measured: job " + job.name(), fallback);
        if (measured.isPresent()) {
          return Optional.of(new Accounting.Model(measured.get(), MEASURED));
        }
      }
    }
    return fallback.map(p -> new Accounting.Model(p, DEFAULT));
  }
}
