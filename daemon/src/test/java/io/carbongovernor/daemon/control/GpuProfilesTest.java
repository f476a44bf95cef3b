package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.accounting.Accounting;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.jobs.JobRequest;
import io.carbongovernor.daemon.jobs.ProgressReport;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.ProcessOwners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's measured profile steers only the GPUs its work runs on. */
class GpuProfilesTest {

  private static final Gpu GPU =
      new Gpu(0, "GPU-0", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir Path root;

  @Test
  void aJobThatOnlyListsAGpuLendsItNoProfile() throws Exception {
    Path proc = Files.createDirectories(root.resolve("proc/4242")).getParent();
    Files.writeString(proc.resolve("4242/status"), "Name:\tsleep\nUid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n");
    Files.writeString(proc.resolve("4242/stat"),
        "4242 (sleep) S 1 4242 4242 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
    Files.writeString(root.resolve("passwd"), "nobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(root.resolve("group"), "nogroup:x:65534:\n");
    JobRegistry jobs =
        new JobRegistry(ProcFs.under(proc), ProcessTree.under(proc),
            ProcessOwners.of(proc, AccountNames.files(root.resolve("passwd"), root.resolve("group"))),
            () -> TeamDirectory.of(List.of()));
    Job job = jobs.register(65534, new JobRequest("fake", 4242, List.of("0"), OptionalInt.empty(), false), List.of(GPU), T0);
    // Reports that make a usable measured profile: a minute or more at each of three limits.
    Instant t = T0;
    long work = 0;
    for (int watts : new int[] {300, 300, 200, 200, 150, 150}) {
      work += 100 * watts;
      t = t.plusSeconds(120);
      jobs.progress(65534, job.id(), new ProgressReport(work, 1, Optional.empty(), OptionalDouble.empty()), t,
          Optional.of(Power.ofWatts(watts)));
    }
    assertThat(jobs.get(65534, job.id()).profile().usable()).isTrue();

    GpuProfiles profiles = new GpuProfiles(g -> Optional.empty(), jobs);
    assertThat(profiles.model(GPU)).isEmpty(); // listed, never seen there: the GPU's own default

    jobs.observe(Map.of(job.id(), Set.of(GPU)), Set.of(GPU), t);
    assertThat(profiles.model(GPU)).map(Accounting.Model::source).hasValue(GpuProfiles.MEASURED);
  }
}
