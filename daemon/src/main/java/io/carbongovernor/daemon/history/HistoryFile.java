package io.carbongovernor.daemon.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQLite file behind a {@code jdbc:sqlite:} url, and the companions SQLite keeps beside it:
 * what the daemon checks, creates and moves on disk.
 */
final class HistoryFile {

  /** The owner writes, the group (operators running reports) reads, nobody else: whatever the umask. */
  static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

  /** Files SQLite keeps next to a database: its rollback journal, and a WAL and its index. */
  static final List<String> COMPANIONS = List.of("-journal", "-wal", "-shm");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 100;

  /**
   * The identity of the last file this process created at each path. The queue's connection and
   * the history store each start a new file where the old one was deleted; whichever comes second
   * must see a deletion, not a stranger's file moved in.
   */
  private static final Map<Path, Object> MADE_HERE = new ConcurrentHashMap<>();

  private final Path path;

  HistoryFile(Path path) {
    this.path = path.toAbsolutePath();
  }

  /** The file a JDBC url names; empty for an in-memory or temporary database. */
  static Optional<HistoryFile> of(String jdbcUrl) {
    String prefix = "jdbc:sqlite:";
    if (!jdbcUrl.startsWith(prefix)) {
      return Optional.empty();
    }
    String name = jdbcUrl.substring(prefix.length());
    int query = name.indexOf('?');
    name = query >= 0 ? name.substring(0, query) : name;
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (name.isEmpty() || name.contains(":memory:")) {
      return Optional.empty();
    }
    return Optional.of(new HistoryFile(Path.of(name)));
  }

  Path path() {
    return path;
  }

  /** A companion's path, e.g. {@code history.db-journal}. */
  Path companion(String suffix) {
    return path.resolveSibling(path.getFileName() + suffix);
  }

  /**
   * Creates the folder and an empty file with {@link #MODE}, or with the owner, group and mode
   * of {@code like} (the file this one replaces), before SQLite opens it: SQLite would create it
   * with whatever the umask leaves (0600 under systemd's 0077, 0644 under 0000), and gives its
   * journal the database's mode and owner. Nothing when the file exists.
   */
  void createIfAbsent(Optional<PosixFileAttributes> like) throws IOException {
    Files.createDirectories(path.getParent());
    boolean posix = Files.getFileAttributeView(path.getParent(), PosixFileAttributeView.class) != null;
    try {
      if (posix) {
        // Created with at most MODE (the umask can only take bits away), then set exactly.
        Files.createFile(path, PosixFilePermissions.asFileAttribute(MODE));
      } else {
        Files.createFile(path);
        MADE_HERE.put(path, key());
        return;
      }
    } catch (FileAlreadyExistsException e) {
      return;
    }
    MADE_HERE.put(path, key());
    Files.setPosixFilePermissions(path, like.map(PosixFileAttributes::permissions).orElse(MODE));
    if (like.isPresent()) {
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      PosixFileAttributes now = view.readAttributes();
      if (!now.owner().equals(like.get().owner())) {
        view.setOwner(like.get().owner());
      }
      if (!now.group().equals(like.get().group())) {
        view.setGroup(like.get().group());
      }
    }
  }

  /** Whether a journal or WAL with content lies beside the file: what a crash left for SQLite to finish. */
  boolean leftovers() throws IOException {
    for (String suffix : List.of("-journal", "-wal")) {
      Path p = companion(suffix);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) > 0) {
        return true;
      }
    }
    return false;
  }

  /** Owner, group, mode and identity of the file now at the path. */
  PosixFileAttributes attributes() throws IOException {
    return Files.readAttributes(path, PosixFileAttributes.class);
  }

  /** The identity (device and inode) of the file now at the path; NoSuchFileException when none is. */
  Object key() throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /** Whether {@code key} is the identity of the file this process last created at the path. */
  boolean madeHere(Object key) {
    return key != null && key.equals(MADE_HERE.get(path));
  }

  /**
   * Why the file cannot hold the database its own header describes: not a SQLite file, or
   * shorter than the pages its header counts (truncated). Empty when it can. An empty file is a
   * new database when {@code emptyIsNew}, else truncated. Reads the 100-byte header only.
   */
  Optional<String> damage(boolean emptyIsNew) throws IOException {
    return examine(emptyIsNew, true);
  }

  /** Why the file is no SQLite database at all (an empty file is a new one); empty when it is one. */
  Optional<String> notSqlite() throws IOException {
    return examine(true, false);
  }

  private Optional<String> examine(boolean emptyIsNew, boolean length) throws IOException {
    long size;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      size = channel.size();
      while (header.hasRemaining() && channel.read(header) >= 0) {
        // read to the end of the header or of the file
      }
    }
    if (size == 0) {
      return emptyIsNew ? Optional.empty() : Optional.of("is empty (0 bytes): truncated");
    }
    byte[] bytes = header.array();
    if (size < HEADER || !startsWithMagic(bytes)) {
      return Optional.of("is not a SQLite database (" + size + " bytes without a SQLite header)");
    }
    int pageSize = ((bytes[16] & 0xff) << 8) | (bytes[17] & 0xff);
    long pageBytes = pageSize == 1 ? 65536 : pageSize;
    long changeCounter = header.getInt(24) & 0xffffffffL;
    long pages = header.getInt(28) & 0xffffffffL;
    long validFor = header.getInt(92) & 0xffffffffL;
    // The page count in the header is only valid where SQLite wrote it with this change.
    if (length && pages > 0 && changeCounter == validFor && size < pages * pageBytes) {
      return Optional.of("holds " + size + " bytes but its header counts " + pages + " pages of " + pageBytes
          + " bytes (" + pages * pageBytes + "): truncated");
    }
    return Optional.empty();
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Renames the file to {@code <name>.damaged-<UTC time>} beside it, and each companion to the
   * same name with its suffix, so that SQLite still pairs a moved journal with its database.
   *
   * @return where the database went
   */
  Path moveAside(Instant now) throws IOException {
    String base = path.getFileName() + ".damaged-" + STAMP.format(now);
    Path target = path.resolveSibling(base);
    for (int n = 2; taken(target); n++) {
      target = path.resolveSibling(base + "-" + n);
    }
    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
    for (String suffix : COMPANIONS) {
      Path companion = companion(suffix);
      if (Files.exists(companion, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(companion, target.resolveSibling(target.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return target;
  }

  private static boolean taken(Path target) {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    for (String suffix : COMPANIONS) {
      if (Files.exists(target.resolveSibling(target.getFileName() + suffix), LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
