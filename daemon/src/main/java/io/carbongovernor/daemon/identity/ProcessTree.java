package io.carbongovernor.daemon.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How processes relate, as {@code /proc} (or a test's copy) shows it: parent, process group and
 * start time from {@code /proc/<pid>/stat}, the cgroup from {@code /proc/<pid>/cgroup}. Every
 * read is bounded, and a process that vanishes mid-read reads as absent: the tree changes while
 * it is read, so nothing here is more than a snapshot.
 */
public final class ProcessTree {

  /** A stat line is a few hundred bytes (the command name is at most 64); more is not a stat file. */
  static final int MAX_STAT_BYTES = 4096;
  /** A cgroup file holds one line per hierarchy; deep container paths stay well under this. */
  static final int MAX_CGROUP_BYTES = 16384;
  /** The most parents walked up from a process; real trees are a few dozen deep at most. */
  static final int MAX_DEPTH = 128;

  /**
   * What {@code /proc/<pid>/stat} says of a process.
   *
   * @param startTicks when it started, in clock ticks after boot: tells a process from a later
   *     one that got the same pid
   */
  public record Stat(long pid, long ppid, long pgrp, long startTicks) {}

  private final Path root;

  private ProcessTree(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  public static ProcessTree system() {
    return new ProcessTree(Path.of("/proc"));
  }

  /** A {@code /proc}-shaped folder, for tests. */
  public static ProcessTree under(Path root) {
    return new ProcessTree(root);
  }

  /** The process's stat; empty when it is gone or its stat cannot be read or parsed. */
  public Optional<Stat> stat(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return read(root.resolve(Long.toString(pid)).resolve("stat"), MAX_STAT_BYTES).flatMap(s -> parseStat(pid, s));
  }

  /**
   * The process's cgroup: the unified (v2) hierarchy's path, or on a v1-only host the systemd
   * hierarchy's. Empty for the root cgroup, which holds whatever nobody placed, and when the file
   * cannot be read.
   */
  public Optional<String> cgroup(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return read(root.resolve(Long.toString(pid)).resolve("cgroup"), MAX_CGROUP_BYTES).flatMap(ProcessTree::parseCgroup);
  }

  /** A view for one pass: each process's files are read at most once. */
  public Snapshot snapshot() {
    return new Snapshot();
  }

  /** Reads of one pass, remembered (absent ones too), so a pass sees one consistent answer per pid. */
  public final class Snapshot {
    private final Map<Long, Optional<Stat>> stats = new HashMap<>();
    private final Map<Long, Optional<String>> cgroups = new HashMap<>();

    private Snapshot() {}

    public Optional<Stat> stat(long pid) {
      return stats.computeIfAbsent(pid, ProcessTree.this::stat);
    }

    public Optional<String> cgroup(long pid) {
      return cgroups.computeIfAbsent(pid, ProcessTree.this::cgroup);
    }

    /** Whether {@code ancestor} is {@code pid} or one of its parents, within {@link #MAX_DEPTH}. */
    public boolean descendsFrom(long pid, long ancestor) {
      long current = pid;
      for (int depth = 0; depth <= MAX_DEPTH && current > 0; depth++) {
        if (current == ancestor) {
          return true;
        }
        Optional<Stat> s = stat(current);
        if (s.isEmpty() || s.get().ppid() == current) {
          return false;
        }
        current = s.get().ppid();
      }
      return false;
    }

    /**
     * Whether the process {@code pid} (run by {@code uid}) is work of the process {@code job}
     * (run by {@code jobUid}): the process itself or one of its descendants, or, run by the same
     * uid, a process in its process group or its cgroup (never the root cgroup).
     */
    public boolean isWorkOf(long pid, long uid, long job, long jobUid) {
      if (descendsFrom(pid, job)) {
        return true;
      }
      if (uid != jobUid) {
        return false;
      }
      Optional<Stat> mine = stat(pid);
      Optional<Stat> theirs = stat(job);
      if (mine.isPresent() && theirs.isPresent() && theirs.get().pgrp() > 0
          && mine.get().pgrp() == theirs.get().pgrp()) {
        return true;
      }
      Optional<String> group = cgroup(job);
      return group.isPresent() && group.equals(cgroup(pid));
    }
  }

  /** Fields after the command name, which may itself hold spaces and parentheses. */
  static Optional<Stat> parseStat(long pid, String text) {
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice num_threads itrealvalue starttime ...
    String[] f = text.substring(close + 1).trim().split("\\s+");
    if (f.length < 20) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Stat(pid, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Lines are {@code id:controllers:path}; v2 has the single line {@code 0::path}. */
  static Optional<String> parseCgroup(String text) {
    String unified = null;
    String systemd = null;
    for (String line : text.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        unified = f[2];
      } else if (f[1].equals("name=systemd")) {
        systemd = f[2];
      }
    }
    String path = unified != null ? unified : systemd;
    if (path == null || path.isBlank() || path.equals("/")) {
      return Optional.empty();
    }
    return Optional.of(path);
  }

  private static Optional<String> read(Path file, int max) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(max + 1);
      return bytes.length > max ? Optional.empty() : Optional.of(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      // Gone since it was listed (ENOENT, ESRCH), or not ours to read: absent either way.
      return Optional.empty();
    }
  }
}
