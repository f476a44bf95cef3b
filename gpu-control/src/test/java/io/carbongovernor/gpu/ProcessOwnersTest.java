package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.nvml.FakeNvml;
import io.carbongovernor.gpu.nvml.NvmlGpuControl;
import io.carbongovernor.gpu.nvml.NvmlGpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pid -> uid and groups from /proc/PID/status -> names. */
class ProcessOwnersTest {

  @TempDir Path dir;

  private AccountNames files() throws IOException {
    Path passwd = Files.writeString(dir.resolve("passwd"),
        "root:x:0:0:root:/root:/bin/bash\n# a comment\nalice:x:1001:1001::/home/alice:/bin/bash\n");
    Path group = Files.writeString(dir.resolve("group"),
        "root:x:0:\nalice:x:1001:\nvision:x:2000:alice,bob\ncuda:x:2001:alice\n");
    return AccountNames.files(passwd, group);
  }

  private Path proc(long pid, String status) throws IOException {
    Path p = Files.createDirectories(dir.resolve("proc").resolve(Long.toString(pid)));
    Files.writeString(p.resolve("status"), status);
    return dir.resolve("proc");
  }

  @Test
  void userAndGroupsOfAProcess() throws IOException {
    Path proc = proc(4242, String.join("\n",
        "Name:\tpython3",
        "Pid:\t4242",
        "Uid:\t1001\t1001\t1001\t1001",
        "Gid:\t1001\t1001\t1001\t1001",
        "Groups:\t2000 2001 3000 ",
        ""));
    ProcessOwner owner = ProcessOwners.of(proc, files()).owner(4242).orElseThrow();
    assertThat(owner.uid()).isEqualTo(1001);
    assertThat(owner.user()).isEqualTo("alice");
    // An unnamed gid stays a number.
    assertThat(owner.groups()).containsExactly("alice", "vision", "cuda", "3000");
  }

  @Test
  void theRealUidCountsNotTheEffectiveOneAndUnknownIdsAreNumbers() throws IOException {
    Path proc = proc(7, "Uid:\t5555\t0\t0\t0\nGid:\t5555\t0\t0\t0\nGroups:\n");
    ProcessOwner owner = ProcessOwners.of(proc, files()).owner(7).orElseThrow();
    assertThat(owner.user()).isEqualTo("5555");
    assertThat(owner.groups()).containsExactly("5555");
  }

  @Test
  void aGoneOrUnreadableProcessHasNoOwner() throws IOException {
    Path proc = proc(8, "Name:\tno ids here\n");
    assertThat(ProcessOwners.of(proc, files()).owner(8)).isEmpty();
    assertThat(ProcessOwners.of(proc, files()).owner(9)).isEmpty();
  }

  @Test
  void thisJvmOnTheRealProcWithTheSystemsNames() {
    ProcessOwner me = ProcessOwners.system().owner(ProcessHandle.current().pid()).orElseThrow();
    assertThat(me.user()).isEqualTo(System.getProperty("user.name"));
    assertThat(me.groups()).isNotEmpty();
  }

  @Test
  void systemNamesResolveRoot() {
    AccountNames names = AccountNames.system();
    assertThat(names.user(0)).contains("root");
    assertThat(names.group(0)).contains("root");
    assertThat(names.user(4_000_000_000L)).isEmpty();
  }

  @Test
  void processesOfAFakeGpuWithTheirOwners() throws IOException {
    FakeNvml fake = FakeNvml.load(FakeNvml.path());
    Path proc = proc(4242, "Uid:\t1001\t1001\t1001\t1001\nGid:\t1001\t1001\t1001\t1001\nGroups:\t2000\n");
    fake.fakeNvmlAddProcess(0, 4242, 1L << 30);
    ProcessOwners owners = ProcessOwners.of(proc, files());
    try (NvmlGpuControl nvml = NvmlGpus.open(FakeNvml.path())) {
      List<ProcessOwner> found = nvml.processes(nvml.gpus().get(0)).stream()
          .map(p -> owners.owner(p.pid()).orElseThrow()).toList();
      assertThat(found).containsExactly(new ProcessOwner(4242, 1001, "alice", List.of("alice", "vision")));
    }
  }
}
