package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

  private static final String A = "GPU-aaaa";
  private static final String B = "GPU-bbbb";

  @TempDir Path dir;

  private final TestClock clock = new TestClock();

  @Test
  void recordsOriginalsDurablyAndKeepsTheFirst() throws Exception {
    Path stateDir = dir.resolve("state");
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      assertThat(ledger.isEmpty()).isTrue();
      assertThat(ledger.recordOriginal(A, Power.ofWatts(300))).isTrue();
      ledger.recordSet(A, Power.ofWatts(300), Power.ofWatts(250));
      assertThat(ledger.recordOriginal(A, Power.ofWatts(250))).isFalse();
      assertThat(ledger.forceCount()).isEqualTo(2);
    }
    assertThat(Files.readAllLines(stateDir.resolve(Ledger.FILE_NAME))).containsExactly(
        "{\"type\":\"original\",\"uuid\":\"GPU-aaaa\",\"time\":\"2026-01-01T00:00:00Z\",\"limit_mw\":300000}",
        "{\"type\":\"set\",\"uuid\":\"GPU-aaaa\",\"time\":\"2026-01-01T00:00:00Z\",\"old_mw\":300000,\"new_mw\":250000}");
    try (Ledger reopened = Ledger.open(stateDir)) {
      assertThat(reopened.originalLimits()).containsExactly(entry(A, Power.ofWatts(300)));
      assertThat(reopened.lastSetLimit(A)).contains(Power.ofWatts(250));
      assertThat(reopened.recordOriginal(A, Power.ofWatts(250))).isFalse();
    }
  }

  /** A set is ledgered before it is made, so a set whose line was cut short never happened. */
  @Test
  void aTornLastSetIsDroppedAndAppendsStayReadable() throws Exception {
    try (Ledger ledger = Ledger.open(dir, clock)) {
      ledger.recordOriginal(A, Power.ofWatts(300));
    }
    Path file = dir.resolve(Ledger.FILE_NAME);
    Files.writeString(file, "{\"type\":\"set\",\"uuid\":\"GPU-aaaa\",\"old_mw\":300", StandardOpenOption.APPEND);
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsOnlyKeys(A);
      assertThat(ledger.lastSetLimit(A)).isEmpty();
      ledger.recordOriginal(B, Power.ofWatts(250));
    }
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsExactly(entry(A, Power.ofWatts(300)), entry(B, Power.ofWatts(250)));
    }
  }

  /** A torn original could be the only record of a GPU's full-speed limit: refuse, never guess. */
  @Test
  void aTornOriginalIsRefusedWithItsLineAndWhatToDo() throws Exception {
    try (Ledger ledger = Ledger.open(dir, clock)) {
      ledger.recordOriginal(A, Power.ofWatts(300));
    }
    Path file = dir.resolve(Ledger.FILE_NAME);
    String before = Files.readString(file) + "{\"type\":\"original\",\"uuid\":\"GPU-bbbb\",\"time\":\"2026-01-01T00:00:00Z\",\"limit_";
    Files.writeString(file, before);
    assertThatThrownBy(() -> Ledger.open(dir, clock))
        .isInstanceOf(LedgerDamagedException.class)
        .hasMessageStartingWith(file + ":2: a torn original limit")
        .hasMessageContaining("nvidia-smi -i GPU-bbbb -pl WATTS")
        .hasMessageContaining("remove its lines from the ledger");
    assertThatThrownBy(() -> Ledger.read(dir)).isInstanceOf(LedgerDamagedException.class);
    assertThat(Files.readString(file)).as("nothing repaired behind the operator's back").isEqualTo(before);
  }

  @Test
  void aLimitOfZeroIsRefusedWithItsLine() throws Exception {
    Path file = dir.resolve(Ledger.FILE_NAME);
    Files.writeString(file, "{\"type\":\"original\",\"uuid\":\"GPU-aaaa\",\"limit_mw\":0}\n"
        + "{\"type\":\"set\",\"uuid\":\"GPU-aaaa\",\"old_mw\":300000,\"new_mw\":200000}\n");
    assertThatThrownBy(() -> Ledger.open(dir, clock))
        .isInstanceOf(LedgerDamagedException.class)
        .hasMessageStartingWith(file + ":1: malformed ledger entry (limit_mw must be a whole number of milliwatts above 0");
  }

  /**
   * Whoever can write the state directory could plant links where the ledger's files go; a
   * restore run as root must never truncate or write what they point to.
   */
  @Test
  void linksPlantedForTheLedgerOrItsLockAreRefusedAndTheirTargetsUntouched() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Path stateDir = Files.createDirectories(dir.resolve("state"));
    Files.createSymbolicLink(stateDir.resolve("ledger.lock"), victim);
    assertThatThrownBy(() -> Ledger.open(stateDir, clock)).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("ledger.lock");
    Files.delete(stateDir.resolve("ledger.lock"));
    Files.createSymbolicLink(stateDir.resolve(Ledger.FILE_NAME), victim);
    assertThatThrownBy(() -> Ledger.open(stateDir, clock)).isInstanceOf(LedgerDamagedException.class)
        .hasMessageContaining("not a regular file");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }

  /** Mode 0600 whatever the umask, and a rewrite (restore run as root) keeps the file's owner. */
  @Test
  void theLedgerIsPrivateAndARewriteKeepsItsOwnerAndMode() throws Exception {
    Path stateDir = dir.resolve("state");
    Files.createDirectories(stateDir);
    boolean root = "root".equals(System.getProperty("user.name"));
    var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(root ? "nobody" : System.getProperty("user.name"));
    Files.setOwner(stateDir, nobody);
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      ledger.recordOriginal(A, Power.ofWatts(300));
      ledger.recordOriginal(B, Power.ofWatts(300));
      ledger.clear(java.util.List.of(A));
    }
    Path file = stateDir.resolve(Ledger.FILE_NAME);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.getOwner(file)).as("owned like its directory, not by whoever rewrote it").isEqualTo(nobody);
    assertThat(Files.getOwner(stateDir.resolve("ledger.lock"))).isEqualTo(nobody);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("ledger.lock"))))
        .isEqualTo("rw-------");
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      assertThat(ledger.originalLimits()).containsOnlyKeys(B);
    }
  }

  @Test
  void zeroFilledTailIsTolerated() throws Exception {
    Path file = dir.resolve(Ledger.FILE_NAME);
    Files.write(file, ("{\"type\":\"original\",\"uuid\":\"GPU-aaaa\",\"limit_mw\":300000}\n"
        + "{\"type\":\"set\",\"uu\0\0\0\n\0\0").getBytes(StandardCharsets.UTF_8));
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsOnlyKeys(A);
    }
  }

  @Test
  void completeLastLineWithoutNewlineIsKept() throws Exception {
    Path file = dir.resolve(Ledger.FILE_NAME);
    Files.writeString(file, "{\"type\":\"original\",\"uuid\":\"GPU-aaaa\",\"limit_mw\":300000}");
    try (Ledger ledger = Ledger.open(dir, clock)) {
      ledger.recordOriginal(B, Power.ofWatts(250));
    }
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsOnlyKeys(A, B);
    }
  }

  @Test
  void malformedLineBeforeTheEndIsAnError() throws Exception {
    Path file = dir.resolve(Ledger.FILE_NAME);
    Files.writeString(file, "{\"type\":\"original\",\"uuid\":\"GPU-aaaa\",\"limit_mw\":300000}\n"
        + "garbage\n"
        + "{\"type\":\"original\",\"uuid\":\"GPU-bbbb\",\"limit_mw\":250000}\n");
    assertThatThrownBy(() -> Ledger.open(dir, clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file + ":2: malformed ledger entry");
  }

  @Test
  void clearForgetsSomeOrAll() throws Exception {
    try (Ledger ledger = Ledger.open(dir, clock)) {
      ledger.recordOriginal(A, Power.ofWatts(300));
      ledger.recordOriginal(B, Power.ofWatts(250));
      ledger.recordSet(B, Power.ofWatts(250), Power.ofWatts(200));
      ledger.clear(List.of(A));
      assertThat(ledger.originalLimits()).containsOnlyKeys(B);
      ledger.recordSet(B, Power.ofWatts(200), Power.ofWatts(150));
    }
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsExactly(entry(B, Power.ofWatts(250)));
      assertThat(ledger.lastSetLimit(B)).contains(Power.ofWatts(150));
      ledger.clear();
      assertThat(ledger.isEmpty()).isTrue();
    }
    assertThat(Files.size(dir.resolve(Ledger.FILE_NAME))).isZero();
    assertThat(dir.resolve(Ledger.FILE_NAME + ".tmp")).doesNotExist();
  }

  @Test
  void oneLedgerPerStateDirectoryAtATimeAndReadingNeverWaits() {
    Ledger first = Ledger.open(dir, clock);
    first.recordOriginal(A, Power.ofWatts(300));
    assertThatThrownBy(() -> Ledger.open(dir, clock))
        .isInstanceOf(LedgerInUseException.class)
        .hasMessageContaining("in use by this process")
        .hasMessageContaining(dir.resolve(LedgerLock.FILE_NAME).toString());
    // Looking is always allowed, and does not loosen the hold.
    assertThat(Ledger.read(dir).originalLimits()).containsExactly(entry(A, Power.ofWatts(300)));
    assertThatThrownBy(() -> Ledger.open(dir, clock)).isInstanceOf(LedgerInUseException.class);
    first.close();
    try (Ledger second = Ledger.open(dir, clock)) {
      assertThat(second.originalLimits()).containsExactly(entry(A, Power.ofWatts(300)));
    }
  }

  @Test
  void anotherProcesssLedgerIsRefusedWithItsPidAndFreedWhenItIsKilled() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LedgerHolder.class.getName(), dir.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("held");
      assertThatThrownBy(() -> Ledger.open(dir, clock))
          .isInstanceOf(LedgerInUseException.class)
          .hasMessageContaining("in use by pid " + holder.pid() + " since ");
      assertThat(Ledger.read(dir).originalLimits()).containsOnlyKeys("GPU-held");
      holder.destroyForcibly(); // kill -9: no close, no clean exit
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      try (Ledger after = Ledger.open(dir, clock)) {
        assertThat(after.originalLimits()).containsOnlyKeys("GPU-held");
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void escapesStrings() {
    String odd = "GPU-\"quoted\"\\\n\u0001é";
    try (Ledger ledger = Ledger.open(dir, clock)) {
      ledger.recordOriginal(odd, Power.ofMilliwatts(1));
    }
    try (Ledger ledger = Ledger.open(dir, clock)) {
      assertThat(ledger.originalLimits()).containsExactly(entry(odd, Power.ofMilliwatts(1)));
    }
  }
}
