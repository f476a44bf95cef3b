package io.carbongovernor.daemon.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/<pid>/stat and cgroup as the kernel writes them, and what a hostile or vanishing process makes of them. */
class ProcessTreeTest {

  @TempDir Path proc;

  private void stat(long pid, String comm, long ppid, long pgrp) throws Exception {
    Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(proc.resolve(pid + "/stat"),
        pid + " (" + comm + ") S " + ppid + " " + pgrp + " " + pgrp + " 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 "
            + (7000 + pid) + " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
  }

  @Test
  void statIsReadPastACommandNameThatLooksLikeFields() throws Exception {
    stat(42, "x) S 1 1 1 (y", 7, 9);
    assertThat(ProcessTree.under(proc).stat(42)).hasValue(new ProcessTree.Stat(42, 7, 9, 7042));
  }

  @Test
  void anOversizedMalformedOrMissingStatReadsAsAbsent() throws Exception {
    Files.createDirectories(proc.resolve("43"));
    Files.writeString(proc.resolve("43/stat"), "43 (a) S 1 1 " + "9 ".repeat(ProcessTree.MAX_STAT_BYTES));
    Files.createDirectories(proc.resolve("44"));
    Files.writeString(proc.resolve("44/stat"), "44 (a) S one 1 1\n");
    ProcessTree tree = ProcessTree.under(proc);
    assertThat(tree.stat(43)).isEmpty();
    assertThat(tree.stat(44)).isEmpty();
    assertThat(tree.stat(45)).isEmpty();
    assertThat(tree.stat(0)).isEmpty();
    assertThat(tree.stat(-1)).isEmpty();
  }

  @Test
  void theAncestorWalkIsBoundedAndSurvivesLoops() throws Exception {
    stat(10, "a", 11, 10);
    stat(11, "b", 10, 10); // a loop no real tree has
    for (long pid = 1000; pid < 1000 + ProcessTree.MAX_DEPTH + 10; pid++) {
      stat(pid, "deep", pid - 1, pid);
    }
    ProcessTree.Snapshot snap = ProcessTree.under(proc).snapshot();
    assertThat(snap.descendsFrom(10, 12)).isFalse();
    assertThat(snap.descendsFrom(10, 11)).isTrue();
    long last = 1000 + ProcessTree.MAX_DEPTH + 9;
    assertThat(snap.descendsFrom(last, last - ProcessTree.MAX_DEPTH)).isTrue();
    assertThat(snap.descendsFrom(last, last - ProcessTree.MAX_DEPTH - 1)).isFalse();
  }

  @Test
  void theCgroupIsTheUnifiedPathOrV1sSystemdPathAndNeverTheRoot() {
    assertThat(ProcessTree.parseCgroup("0::/user.slice/user-1001.slice/session-4.scope\n"))
        .hasValue("/user.slice/user-1001.slice/session-4.scope");
    assertThat(ProcessTree.parseCgroup("12:memory:/user.slice\n1:name=systemd:/user.slice/session-4.scope\n"))
        .hasValue("/user.slice/session-4.scope");
    assertThat(ProcessTree.parseCgroup("1:name=systemd:/docker/ab:cd\n0::/docker/ab:cd\n")).hasValue("/docker/ab:cd");
    assertThat(ProcessTree.parseCgroup("0::/\n")).isEmpty();
    assertThat(ProcessTree.parseCgroup("1:name=systemd:/\n")).isEmpty();
    assertThat(ProcessTree.parseCgroup("12:memory:/user.slice\n")).isEmpty();
    assertThat(ProcessTree.parseCgroup("")).isEmpty();
  }
}
