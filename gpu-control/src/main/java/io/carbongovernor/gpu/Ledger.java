package io.carbongovernor.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk record of each GPU's original power limit and of every limit set, keyed by GPU UUID
 * (safety invariant 2). One JSON object per line in {@value #FILE_NAME} under the state directory:
 *
 * <pre>
 * {"type":"original","uuid":"GPU-...","time":"2026-01-01T00:00:00Z","limit_mw":300000}
 * {"type":"set","uuid":"GPU-...","time":"2026-01-01T00:05:00Z","old_mw":300000,"new_mw":250000}
 * </pre>
 *
 * <p>Every append is fsynced before the method returns, and the directory is fsynced when the file
 * is created, so an original that was recorded survives a crash. A torn last line (a crash during
 * an append) is dropped when the ledger is opened; a malformed line anywhere else is an error,
 * since skipping it could lose an original. Only the first original per GPU counts: a restarted
 * daemon that reads an already lowered limit must not take it for the original. Thread-safe.
 */
public final class Ledger implements AutoCloseable {

  public static final String FILE_NAME = "ledger.jsonl";

  private static final Logger log = LoggerFactory.getLogger("ledger");

  private final Path file;
  private final Clock clock;
  /** Held from open to close: one ledger per state directory at a time. */
  private LedgerLock lock;
  /** Read by {@link #read}: a torn last line is skipped, not cut off. */
  private boolean readOnly;
  private final List<Map<String, Object>> entries = new ArrayList<>();
  private final Map<String, Power> originals = new LinkedHashMap<>();
  private final Map<String, Power> lastSet = new LinkedHashMap<>();
  private FileChannel channel;
  private long forceCount;

  private Ledger(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Opens (creating if needed) the ledger in {@code stateDir}, timestamping with the system clock. */
  public static Ledger open(Path stateDir) {
    return open(stateDir, Clock.systemUTC());
  }

  /**
   * Opens (creating if needed) the ledger in {@code stateDir}, holding it until {@link #close}.
   *
   * @throws LedgerInUseException when another process (a running daemon) or another ledger in
   *     this process has it open
   */
  public static Ledger open(Path stateDir, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Ledger ledger = new Ledger(stateDir.resolve(FILE_NAME), clock);
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open ledger " + ledger.file, e);
    }
    ledger.lock = LedgerLock.acquire(stateDir);
    try {
      ledger.load();
      ledger.openForAppend();
    } catch (IOException e) {
      ledger.close();
      throw new UncheckedIOException("cannot open ledger " + ledger.file, e);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    return ledger;
  }

  /**
   * What the ledger in {@code stateDir} holds now, read without taking it: for looking at while a
   * daemon may hold it. A torn last line is skipped, not repaired; empty when there is no ledger.
   *
   * @throws IllegalStateException when a line other than the last is malformed
   */
  public static Snapshot read(Path stateDir) {
    Ledger ledger = new Ledger(stateDir.resolve(FILE_NAME), Clock.systemUTC());
    ledger.readOnly = true;
    try {
      ledger.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ledger " + ledger.file, e);
    }
    return new Snapshot(
        Collections.unmodifiableMap(new LinkedHashMap<>(ledger.originals)),
        Collections.unmodifiableMap(new LinkedHashMap<>(ledger.lastSet)));
  }

  /**
   * A ledger's content at one moment.
   *
   * @param originalLimits each ledgered GPU's original limit, by UUID, in the order recorded
   * @param lastSetLimits the last limit recorded as set on each GPU, by UUID
   */
  public record Snapshot(Map<String, Power> originalLimits, Map<String, Power> lastSetLimits) {
    public boolean isEmpty() {
      return originalLimits.isEmpty();
    }

    public Optional<Power> lastSetLimit(String uuid) {
      return Optional.ofNullable(lastSetLimits.get(uuid));
    }
  }

  /** The ledger file. */
  public Path file() {
    return file;
  }

  /** Each ledgered GPU's original limit, by UUID, in the order they were recorded. */
  public synchronized Map<String, Power> originalLimits() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(originals));
  }

  public synchronized Optional<Power> originalLimit(String uuid) {
    return Optional.ofNullable(originals.get(uuid));
  }

  /** The last limit recorded as set on the GPU, if any since the ledger was last cleared. */
  public synchronized Optional<Power> lastSetLimit(String uuid) {
    return Optional.ofNullable(lastSet.get(uuid));
  }

  public synchronized boolean isEmpty() {
    return originals.isEmpty();
  }

  /**
   * Durably records {@code limit} as the GPU's original, unless an original is already recorded.
   *
   * @return whether it was written
   * @throws UncheckedIOException when it could not be written and synced; the caller must not
   *     change the GPU then
   */
  public synchronized boolean recordOriginal(String uuid, Power limit) {
    if (originals.containsKey(uuid)) {
      return false;
    }
    Map<String, Object> e = entry("original", uuid);
    e.put("limit_mw", limit.milliwatts());
    append(List.of(e));
    return true;
  }

  /** One GPU's limit change, for {@link #recordSets}. */
  public record LimitChange(String uuid, Power oldLimit, Power newLimit) {
    public LimitChange {
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(oldLimit, "oldLimit");
      Objects.requireNonNull(newLimit, "newLimit");
    }
  }

  /** Durably records that the GPU's limit was changed from {@code oldLimit} to {@code newLimit}. */
  public synchronized void recordSet(String uuid, Power oldLimit, Power newLimit) {
    recordSets(List.of(new LimitChange(uuid, oldLimit, newLimit)));
  }

  /** Durably records several changes (one tick's) with one write and one fsync. */
  public synchronized void recordSets(List<LimitChange> changes) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (LimitChange c : changes) {
      Map<String, Object> e = entry("set", c.uuid());
      e.put("old_mw", c.oldLimit().milliwatts());
      e.put("new_mw", c.newLimit().milliwatts());
      lines.add(e);
    }
    if (!lines.isEmpty()) {
      append(lines);
    }
  }

  /** Forgets every GPU: the file is emptied. */
  public synchronized void clear() {
    rewrite(List.of());
  }

  /** Forgets these GPUs (their original and their sets); the others stay. */
  public synchronized void clear(Collection<String> uuids) {
    Set<String> gone = new HashSet<>(uuids);
    List<Map<String, Object>> kept = new ArrayList<>();
    for (Map<String, Object> e : entries) {
      if (!gone.contains(e.get("uuid"))) {
        kept.add(e);
      }
    }
    rewrite(kept);
  }

  @Override
  public synchronized void close() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      log.atWarn().addKeyValue("file", file).setCause(e).log("closing ledger failed");
    } finally {
      if (lock != null) {
        lock.close();
        lock = null;
      }
    }
  }

  /** How many fsyncs of the ledger file have completed; lets tests check durability ordering. */
  synchronized long forceCount() {
    return forceCount;
  }

  private Map<String, Object> entry(String type, String uuid) {
    Objects.requireNonNull(uuid, "uuid");
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", type);
    e.put("uuid", uuid);
    e.put("time", Instant.now(clock).toString());
    return e;
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    int start = 0;
    int lineNumber = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNumber++;
      String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
      boolean terminated = end < bytes.length;
      if (!blank(line)) {
        Map<String, Object> e;
        try {
          e = FlatJson.parse(line);
          validate(e);
        } catch (IllegalArgumentException ex) {
          if (!onlyBlankAfter(bytes, end)) {
            throw new IllegalStateException(file + ":" + lineNumber + ": malformed ledger entry ("
                + ex.getMessage() + "); repair or remove that line", ex);
          }
          if (readOnly) {
            return;
          }
          log.atWarn().addKeyValue("file", file).addKeyValue("line", lineNumber)
              .log("dropping torn last ledger line, probably a crash during a write");
          truncate(start);
          return;
        }
        apply(e);
        if (!terminated) {
          // Complete entry whose newline was lost: terminate it so the next append starts cleanly.
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            ch.force(true);
          }
        }
      }
      start = end + 1;
    }
  }

  private static boolean blank(String line) {
    return line.chars().allMatch(c -> c == 0 || Character.isWhitespace(c));
  }

  private static boolean onlyBlankAfter(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0 && !Character.isWhitespace(bytes[i])) {
        return false;
      }
    }
    return true;
  }

  private static void validate(Map<String, Object> e) {
    if (!(e.get("type") instanceof String type) || !(e.get("uuid") instanceof String)) {
      throw new IllegalArgumentException("needs string fields type and uuid");
    }
    List<String> needed = switch (type) {
      case "original" -> List.of("limit_mw");
      case "set" -> List.of("old_mw", "new_mw");
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
    for (String field : needed) {
      if (!(e.get(field) instanceof Long v) || v < 0) {
        throw new IllegalArgumentException("needs non-negative integer field " + field);
      }
    }
  }

  private void apply(Map<String, Object> e) {
    entries.add(e);
    String uuid = (String) e.get("uuid");
    if ("original".equals(e.get("type"))) {
      originals.putIfAbsent(uuid, Power.ofMilliwatts((Long) e.get("limit_mw")));
    } else {
      lastSet.put(uuid, Power.ofMilliwatts((Long) e.get("new_mw")));
    }
  }

  private void truncate(long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  private void openForAppend() throws IOException {
    boolean created = !Files.exists(file);
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (created) {
      channel.force(true);
      forceDirectory(file.getParent());
    }
  }

  private void append(List<Map<String, Object>> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(e -> text.append(FlatJson.write(e)).append('\n'));
    ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    long before = -1;
    try {
      before = channel.size();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
      forceCount++;
    } catch (IOException ex) {
      undo(before);
      throw new UncheckedIOException("cannot write ledger " + file, ex);
    }
    lines.forEach(this::apply);
  }

  /** After a failed append, cut the partial line so that later appends stay parseable. */
  private void undo(long size) {
    if (size < 0) {
      return;
    }
    try {
      channel.truncate(size);
    } catch (IOException ignored) {
      // The torn line is dropped on the next open anyway.
    }
  }

  private void rewrite(List<Map<String, Object>> kept) {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    StringBuilder content = new StringBuilder();
    kept.forEach(e -> content.append(FlatJson.write(e)).append('\n'));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content.toString().getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(file.getParent());
      forceCount++;
      // The old channel still points at the replaced file; switch to the new one.
      FileChannel old = channel;
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      old.close();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot rewrite ledger " + file, ex);
    }
    entries.clear();
    originals.clear();
    lastSet.clear();
    kept.forEach(this::apply);
  }

  /** Makes a new directory entry durable; not every platform can open a directory, so best effort. */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      log.atDebug().addKeyValue("dir", dir).log("directory fsync not supported here");
    }
  }
}
