package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 9 within one process; {@code NvmlProcessIT} checks it across daemon processes. */
class GpuLocksTest {

  @TempDir Path dir;

  private Path locks() {
    return dir.resolve("run");
  }

  @Test
  void aGpuIsLockedOnceAndItsFileNamesTheHolderUntilACleanRelease() throws Exception {
    Path mine = dir.resolve("state-a");
    try (GpuLocks held = GpuLocks.acquire(locks(), List.of("GPU-1", "GPU-2"), mine)) {
      assertThat(Files.readString(locks().resolve("gpu-GPU-1.lock")))
          .startsWith("pid " + ProcessHandle.current().pid() + " state-dir " + mine.toAbsolutePath() + " since ");
      assertThatThrownBy(() -> GpuLocks.acquire(locks(), List.of("GPU-3", "GPU-2"), dir.resolve("state-b")))
          .isInstanceOf(GpuInUseException.class)
          .hasMessageContaining("GPU GPU-2 is controlled by");
      // The refused attempt let go of what it had taken.
      GpuLocks.acquire(locks(), List.of("GPU-3"), dir.resolve("state-b")).close();
    }
    assertThat(Files.readString(locks().resolve("gpu-GPU-1.lock"))).isEmpty();
    GpuLocks.acquire(locks(), List.of("GPU-1", "GPU-2"), dir.resolve("state-b")).close();
  }

  /** A daemon killed with -9 lets go of its locks, but its ledger may still hold the original. */
  @Test
  void aDeadDaemonsGpuIsRefusedToAnotherStateDirWhileItsLedgerHoldsIt() throws Exception {
    Path dead = dir.resolve("state-dead");
    try (Ledger ledger = Ledger.open(dead)) {
      ledger.recordChanges(List.of(new Ledger.LimitChange("GPU-1", Power.ofWatts(300), Power.ofWatts(200))));
    }
    Files.createDirectories(locks());
    Files.writeString(locks().resolve("gpu-GPU-1.lock"),
        "pid 999999 state-dir " + dead.toAbsolutePath() + " since 2026-12-01T00:00:00Z\n");
    assertThatThrownBy(() -> GpuLocks.acquire(locks(), List.of("GPU-1"), dir.resolve("state-new")))
        .isInstanceOf(GpuInUseException.class)
        .hasMessageContaining("state directory " + dead.toAbsolutePath())
        .hasMessageContaining("its ledger still holds this GPU's original limit")
        .hasMessageContaining("carbon-governor restore");
    // A refusal leaves the file naming the dead daemon, so the next try is refused as well.
    assertThatThrownBy(() -> GpuLocks.acquire(locks(), List.of("GPU-1"), dir.resolve("state-new")))
        .isInstanceOf(GpuInUseException.class);
    // The dead daemon's own state directory restores it at its next start.
    GpuLocks.acquire(locks(), List.of("GPU-1"), dead).close();
    // Once its ledger is restored, the GPU is free for anyone.
    Files.writeString(locks().resolve("gpu-GPU-1.lock"),
        "pid 999999 state-dir " + dead.toAbsolutePath() + " since 2026-12-01T00:00:00Z\n");
    try (Ledger ledger = Ledger.open(dead)) {
      ledger.clear();
    }
    GpuLocks.acquire(locks(), List.of("GPU-1"), dir.resolve("state-new")).close();
  }

  @Test
  void anOddUuidNeverEscapesTheLockDirectory() throws Exception {
    try (GpuLocks held = GpuLocks.acquire(locks(), List.of("../../etc/passwd"), dir.resolve("s"))) {
      try (var files = Files.list(locks())) {
        assertThat(files.map(p -> p.getFileName().toString()).toList())
            .singleElement().satisfies(name -> assertThat(name).startsWith("gpu-x").doesNotContain("/"));
      }
    }
  }
  @Test
  void aLinkPlantedForALockFileIsRefusedAndItsTargetUntouched() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Files.createDirectories(locks());
    Files.createSymbolicLink(locks().resolve("gpu-GPU-1.lock"), victim);
    assertThatThrownBy(() -> GpuLocks.acquire(locks(), List.of("GPU-1"), dir.resolve("s")))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("gpu-GPU-1.lock");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }
}
