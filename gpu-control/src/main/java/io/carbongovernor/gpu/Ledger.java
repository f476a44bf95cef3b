package io.carbongovernor.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk record of each GPU's original power limit and of every limit set, keyed by GPU UUID
 * (safety invariant 2 in docs/architecture.md). One JSON object per line in {@value #FILE_NAME} under the state directory:
 *
 * <pre>
 * {"type":"original","uuid":"GPU-...","time":"2026-01-01T00:00:00Z","limit_mw":300000}
 * {"type":"set","uuid":"GPU-...","time":"2026-01-01T00:05:00Z","old_mw":300000,"new_mw":250000}
 * </pre>
 *
 * <p>A set is written, and fsynced, <em>before</em> the setter is called ({@link #recordChanges}),
 * so the ledger always knows every limit the daemon may have put on a GPU: the last set's new
 * limit, or its old one when the process died between the write and the set. Whatever else a GPU
 * is found at was put there by someone else (invariant 3).
 *
 * <p>Every append is fsynced before the method returns, and the directory is fsynced when the file
 * is created. A torn last line that is a set is dropped when the ledger is opened (its set never
 * happened). Any other damage is refused with the file, the line and what to do, because guessing
 * could leave a GPU off its original: a malformed line, a limit of zero, a torn original. A GPU
 * with sets but no original is kept out of restores ({@link #problems()}). Only the first original
 * per GPU counts: a restarted daemon that reads an already lowered limit must not take it for the
 * original. The file is created {@code 0600} and keeps its owner and mode when rewritten.
 * Thread-safe.
 */
public final class Ledger implements AutoCloseable {

  public static final String FILE_NAME = "ledger.jsonl";

  private static final Logger log = LoggerFactory.getLogger("ledger");
  private static final Pattern SET_FRAGMENT = Pattern.compile("\"type\"\\s*:\\s*\"set\"");
  private static final Pattern UUID_FIELD = Pattern.compile("\"uuid\"\\s*:\\s*\"([A-Za-z0-9-]{1,80})\"");
  /** A ledger is a few lines per GPU and tick that changed something; this is far beyond any. */
  private static final long MAX_BYTES = 64L << 20;

  private final Path file;
  private final Clock clock;
  /** Held from open to close: one ledger per state directory at a time. */
  private LedgerLock lock;
  /** Read by {@link #read}: a torn last line is skipped, not cut off. */
  private boolean readOnly;
  private final List<Line> lines = new ArrayList<>();
  private final Map<String, Line> originals = new LinkedHashMap<>();
  private final Map<String, Line> lastSet = new LinkedHashMap<>();
  private FileChannel channel;
  private long forceCount;

  /** One parsed line and where it stands in the file (1-based; 0 for lines not yet rewritten). */
  private record Line(Map<String, Object> fields, int number) {
    String uuid() {
      return (String) fields.get("uuid");
    }

    boolean isOriginal() {
      return "original".equals(fields.get("type"));
    }

    Power watts(String field) {
      return Power.ofMilliwatts((Long) fields.get(field));
    }
  }

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
   * @throws LedgerDamagedException when a line cannot be trusted
   * @throws UncheckedIOException when it cannot be read or written (a permission problem names
   *     the file, its owner and the fix)
   */
  public static Ledger open(Path stateDir, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Ledger ledger = new Ledger(stateDir.resolve(FILE_NAME), clock);
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw StateDirFiles.failure("create the state directory", stateDir, e);
    }
    ledger.lock = LedgerLock.acquire(stateDir);
    try {
      ledger.load();
      ledger.openForAppend();
    } catch (IOException e) {
      ledger.close();
      throw StateDirFiles.failure("open the ledger", ledger.file, e);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    return ledger;
  }

  /**
   * What the ledger in {@code stateDir} holds now, read without taking it: for looking at while a
   * daemon may hold it. A torn last set line is skipped, not repaired; empty when there is no
   * ledger.
   *
   * @throws LedgerDamagedException when a line cannot be trusted
   */
  public static Snapshot read(Path stateDir) {
    Ledger ledger = new Ledger(stateDir.resolve(FILE_NAME), Clock.systemUTC());
    ledger.readOnly = true;
    try {
      ledger.load();
    } catch (IOException e) {
      throw StateDirFiles.failure("read the ledger", ledger.file, e);
    }
    return new Snapshot(
        Collections.unmodifiableMap(new LinkedHashMap<>(ledger.originalLimits())),
        Collections.unmodifiableMap(new LinkedHashMap<>(ledger.lastSetLimits())));
  }

  /**
   * A ledger's content at one moment.
   *
   * @param originalLimits each ledgered GPU's original limit, by UUID, in the order recorded
   * @param lastSetLimits the last limit recorded as set on each GPU, by UUID
   */
  public record Snapshot(Map<String, Power> originalLimits, Map<String, Power> lastSetLimits) {
    public boolean isEmpty() {
      return originalLimits.isEmpty() && lastSetLimits.isEmpty();
    }

    public Optional<Power> lastSetLimit(String uuid) {
      return Optional.ofNullable(lastSetLimits.get(uuid));
    }

    /** Whether the ledger holds anything of this GPU. */
    public boolean holds(String uuid) {
      return originalLimits.containsKey(uuid) || lastSetLimits.containsKey(uuid);
    }
  }

  /** The ledger file. */
  public Path file() {
    return file;
  }

  /** Each ledgered GPU's original limit, by UUID, in the order they were recorded. */
  public synchronized Map<String, Power> originalLimits() {
    Map<String, Power> out = new LinkedHashMap<>();
    originals.forEach((uuid, line) -> out.put(uuid, line.watts("limit_mw")));
    return Collections.unmodifiableMap(out);
  }

  public synchronized Optional<Power> originalLimit(String uuid) {
    return Optional.ofNullable(originals.get(uuid)).map(l -> l.watts("limit_mw"));
  }

  /** The last limit recorded as set on the GPU, if any since the ledger was last cleared. */
  public synchronized Optional<Power> lastSetLimit(String uuid) {
    return lastChange(uuid).map(LimitChange::newLimit);
  }

  /** The last change recorded for the GPU: the limit read before it and the limit set. */
  public synchronized Optional<LimitChange> lastChange(String uuid) {
    Line l = lastSet.get(uuid);
    return l == null ? Optional.empty() : Optional.of(new LimitChange(uuid, l.watts("old_mw"), l.watts("new_mw")));
  }

  private Map<String, Power> lastSetLimits() {
    Map<String, Power> out = new LinkedHashMap<>();
    lastSet.forEach((uuid, line) -> out.put(uuid, line.watts("new_mw")));
    return out;
  }

  /** Where the GPU's original is recorded, as {@code file:line}, for messages. */
  public synchronized String whereOriginal(String uuid) {
    Line l = originals.get(uuid);
    return file + ":" + (l == null ? "?" : Integer.toString(l.number()));
  }

  /**
   * GPUs whose lines cannot be restored from, by UUID, each with a {@code file:line: ...} message
   * that says what to do: limits set but no original recorded.
   */
  public synchronized Map<String, String> problems() {
    Map<String, String> out = new LinkedHashMap<>();
    lastSet.forEach((uuid, set) -> {
      if (!originals.containsKey(uuid)) {
        Line first = lines.stream().filter(l -> l.uuid().equals(uuid)).findFirst().orElse(set);
        out.put(uuid, file + ":" + first.number() + ": limits were set on " + uuid
            + " but its original limit is not in the ledger, so it cannot be restored; " + byHand(uuid));
      }
    });
    return out;
  }

  /** What an operator does when the ledger cannot say a GPU's original. */
  static String byHand(String uuid) {
    return "check the GPU's limit (nvidia-smi -q -d POWER -i " + uuid + "), set it back by hand if needed"
        + " (nvidia-smi -i " + uuid + " -pl WATTS), then remove its lines from the ledger";
  }

  /** Whether the ledger holds no GPU. */
  public synchronized boolean isEmpty() {
    return originals.isEmpty() && lastSet.isEmpty();
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
    append(List.of(original(uuid, limit)));
    return true;
  }

  /** One GPU's limit change: the limit read before it, and the one set. */
  public record LimitChange(String uuid, Power oldLimit, Power newLimit) {
    public LimitChange {
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(oldLimit, "oldLimit");
      Objects.requireNonNull(newLimit, "newLimit");
    }
  }

  /** Durably records that the GPU's limit is being changed from {@code oldLimit} to {@code newLimit}. */
  public synchronized void recordSet(String uuid, Power oldLimit, Power newLimit) {
    recordChanges(List.of(new LimitChange(uuid, oldLimit, newLimit)));
  }

  /**
   * Durably records changes about to be made (one tick's), with one write and one fsync: for a
   * GPU without an original yet, its {@code oldLimit} as the original first, then each set. Call
   * before the setters; a set that then fails leaves its old limit among the daemon's own.
   *
   * @return the GPUs whose original was written now
   * @throws UncheckedIOException when nothing could be written and synced; no GPU may be changed
   */
  public synchronized List<String> recordChanges(List<LimitChange> changes) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<String> newOriginals = new ArrayList<>();
    for (LimitChange c : changes) {
      if (!originals.containsKey(c.uuid()) && !newOriginals.contains(c.uuid())) {
        out.add(original(c.uuid(), c.oldLimit()));
        newOriginals.add(c.uuid());
      }
      Map<String, Object> e = entry("set", c.uuid());
      e.put("old_mw", c.oldLimit().milliwatts());
      e.put("new_mw", c.newLimit().milliwatts());
      out.add(e);
    }
    if (!out.isEmpty()) {
      append(out);
    }
    return newOriginals;
  }

  /** Forgets every GPU: the file is emptied. */
  public synchronized void clear() {
    rewrite(List.of());
  }

  /** Forgets these GPUs (their original and their sets); the others stay. */
  public synchronized void clear(Collection<String> uuids) {
    Set<String> gone = new HashSet<>(uuids);
    List<Map<String, Object>> kept = new ArrayList<>();
    for (Line l : lines) {
      if (!gone.contains(l.uuid())) {
        kept.add(l.fields());
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

  private Map<String, Object> original(String uuid, Power limit) {
    if (limit.milliwatts() <= 0) {
      throw new IllegalArgumentException("an original limit must be above 0 W, got " + limit);
    }
    Map<String, Object> e = entry("original", uuid);
    e.put("limit_mw", limit.milliwatts());
    return e;
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
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new LedgerDamagedException(file + ": not a regular file (a link, a FIFO, a directory?); move it away and run"
          + " restore again");
    }
    byte[] bytes;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (ch.size() > MAX_BYTES) {
        throw new LedgerDamagedException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB, not a ledger this"
            + " daemon wrote; move it away, check every GPU's limit, and run restore again");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) ch.size());
      while (buffer.hasRemaining() && ch.read(buffer) >= 0) {
        // read to the size seen
      }
      bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
    int start = 0;
    int lineNumber = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNumber++;
      String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
      boolean terminated = end < bytes.length;
      if (!blank(text)) {
        Map<String, Object> e;
        try {
          e = FlatJson.parse(text);
        } catch (IllegalArgumentException ex) {
          boolean last = onlyBlankAfter(bytes, end);
          if (!last || !SET_FRAGMENT.matcher(text).find()) {
            throw new LedgerDamagedException(damage(lineNumber, text, ex.getMessage(), last));
          }
          // A torn set: the crash came while it was written, so its set was never made.
          if (readOnly) {
            return;
          }
          log.atWarn().addKeyValue("file", file).addKeyValue("line", lineNumber)
              .log("dropping a torn last ledger line, a set whose write was cut short (its set was never made)");
          truncate(start);
          return;
        }
        try {
          validate(e);
        } catch (IllegalArgumentException ex) {
          throw new LedgerDamagedException(damage(lineNumber, text, ex.getMessage(), false));
        }
        apply(new Line(e, lineNumber));
        if (!terminated && !readOnly) {
          // Complete entry whose newline was lost: terminate it so the next append starts cleanly.
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            ch.force(true);
          }
        }
      }
      start = end + 1;
    }
  }

  private String damage(int lineNumber, String text, String why, boolean last) {
    String what = last && text.contains("\"original\"")
        ? "a torn original limit (its write was cut short), so a GPU's original is unknown"
        : "malformed ledger entry (" + why + ")";
    Matcher uuid = UUID_FIELD.matcher(text);
    String gpu = uuid.find() ? uuid.group(1) : "UUID";
    return file + ":" + lineNumber + ": " + what + "; nothing was restored: " + byHand(gpu)
        + ", then run restore again";
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
    if (!(e.get("type") instanceof String type) || !(e.get("uuid") instanceof String uuid) || uuid.isBlank()) {
      throw new IllegalArgumentException("needs string fields type and uuid");
    }
    List<String> needed = switch (type) {
      case "original" -> List.of("limit_mw");
      case "set" -> List.of("old_mw", "new_mw");
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
    for (String field : needed) {
      if (!(e.get(field) instanceof Long v) || v <= 0) {
        throw new IllegalArgumentException(field + " must be a whole number of milliwatts above 0, got " + e.get(field));
      }
    }
  }

  private void apply(Line l) {
    lines.add(l);
    if (l.isOriginal()) {
      originals.putIfAbsent(l.uuid(), l);
    } else {
      lastSet.put(l.uuid(), l);
    }
  }

  private void truncate(long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  private void openForAppend() throws IOException {
    boolean created = StateDirFiles.createIfMissing(file, StateDirFiles.PRIVATE);
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    if (created) {
      channel.force(true);
      forceDirectory(file.getParent());
    }
  }

  private void append(List<Map<String, Object>> entries) {
    StringBuilder text = new StringBuilder();
    entries.forEach(e -> text.append(FlatJson.write(e)).append('\n'));
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
      throw StateDirFiles.failure("write the ledger", file, ex);
    }
    int number = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).number();
    for (Map<String, Object> e : entries) {
      apply(new Line(e, ++number));
    }
  }

  /** After a failed append, cut the partial line so that later appends stay parseable. */
  private void undo(long size) {
    if (size < 0) {
      return;
    }
    try {
      channel.truncate(size);
    } catch (IOException ignored) {
      // A torn set is dropped on the next open; a torn original is refused there.
    }
  }

  private void rewrite(List<Map<String, Object>> kept) {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    StringBuilder content = new StringBuilder();
    kept.forEach(e -> content.append(FlatJson.write(e)).append('\n'));
    try {
      Files.deleteIfExists(tmp);
      StateDirFiles.createIfMissing(tmp, StateDirFiles.PRIVATE);
      StateDirFiles.copyOwnerAndMode(tmp, file); // the replacement keeps the ledger's owner and mode
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
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
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
      old.close();
    } catch (IOException ex) {
      throw StateDirFiles.failure("rewrite the ledger", file, ex);
    }
    lines.clear();
    originals.clear();
    lastSet.clear();
    int number = 0;
    for (Map<String, Object> e : kept) {
      apply(new Line(e, ++number));
    }
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
