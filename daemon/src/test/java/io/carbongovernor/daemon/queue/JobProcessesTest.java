package io.carbongovernor.daemon.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.ProcessOwners;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a started job's process by its job id, in a /proc the test writes. */
class JobProcessesTest {

  private static final String ID = "j-0123456789abcdef";

  @TempDir Path proc;

  /** A process as /proc shows it: its environment, real uid and start time (clock ticks after boot). */
  private void process(long pid, long uid, long startTicks, String... environment) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.write(dir.resolve("environ"), (String.join("\0", environment) + "\0").getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("status"), "Name:\tsh\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid
        + "\nGid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGroups:\t\n");
    StringBuilder stat = new StringBuilder(pid + " (sh) S");
    for (int field = 4; field <= 21; field++) {
      stat.append(" 0");
    }
    Files.writeString(dir.resolve("stat"), stat.append(' ').append(startTicks).append(" 0 0\n").toString());
  }

  private JobProcesses processes() {
    return new JobProcesses(proc, ProcessTree.under(proc), ProcessOwners.of(proc, AccountNames.system()));
  }

  @Test
  void theOldestProcessOfTheSubmitterWithTheIdIsTheJob() throws Exception {
    process(300, 1001, 5000, "PATH=/bin", "CARBON_GOVERNOR_JOB_ID=" + ID);
    process(400, 1001, 4000, "CARBON_GOVERNOR_JOB_ID=" + ID);
    process(500, 1001, 1000, "CARBON_GOVERNOR_JOB_ID=" + ID + "0"); // another id that starts the same
    assertThat(processes().find(ID, 1001)).hasValue(400);
  }

  /** Another user's process that carries the id, even an older one, is not the job. */
  @Test
  void anotherUsersProcessWithTheIdIsNeverTheJob() throws Exception {
    process(200, 1003, 100, "CARBON_GOVERNOR_JOB_ID=" + ID);
    process(300, 1001, 5000, "CARBON_GOVERNOR_JOB_ID=" + ID);
    assertThat(processes().find(ID, 1001)).hasValue(300);
    assertThat(processes().find(ID, 1002)).isEmpty();
  }
}
