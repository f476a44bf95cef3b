package io.carbongovernor.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's files in its state directory (and host-wide lock directory) keep one owner and a
 * fixed mode whatever the umask and whoever writes them: created {@code 0600}, owned like the
 * directory they are in. Without this, a {@code restore} run by hand as root would leave a
 * root-owned ledger that the service user's next start cannot open.
 */
public final class StateDirFiles {

  public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private static final Logger log = LoggerFactory.getLogger("files");

  private StateDirFiles() {}

  /**
   * Creates {@code file} if it is missing, with {@code mode} and the owner and group of its
   * directory; an existing file is left as it is.
   *
   * @return whether it was created
   */
  public static boolean createIfMissing(Path file, Set<PosixFilePermission> mode) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(mode)); // O_EXCL: never through a link
    } catch (FileAlreadyExistsException e) {
      return false; // created by someone else in between: theirs stands
    }
    setMode(file, mode); // explicit: the umask narrows what createFile gives
    ownLike(file, file.toAbsolutePath().getParent());
    return true;
  }

  /**
   * Sets the mode of the file itself, never of what a link there points to: in a directory another
   * user can write, a file may be swapped for a link at any moment.
   */
  private static void setMode(Path file, Set<PosixFilePermission> mode) throws IOException {
    Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(mode);
  }

  /**
   * Gives {@code file} the owner and group of {@code model} when they differ. Only root can, and
   * only root needs to: a process of the owner's own creates files it owns.
   */
  public static void ownLike(Path file, Path model) {
    try {
      PosixFileAttributes want = Files.readAttributes(model, PosixFileAttributes.class);
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      PosixFileAttributes have = view.readAttributes();
      if (!have.owner().equals(want.owner())) {
        view.setOwner(want.owner());
      }
      if (!have.group().equals(want.group())) {
        view.setGroup(want.group());
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.atDebug().addKeyValue("file", file).addKeyValue("reason", e.toString()).log("cannot match the owner");
    }
  }

  /** Copies mode, owner and group from {@code model} onto {@code file} (a replacement of it). */
  public static void copyOwnerAndMode(Path file, Path model) throws IOException {
    setMode(file, Files.getPosixFilePermissions(model, LinkOption.NOFOLLOW_LINKS));
    ownLike(file, model);
  }

  /**
   * An error for an I/O failure on a state file; a permission problem names the file, who owns it
   * and with what mode, who this process runs as, and the fix.
   */
  public static UncheckedIOException failure(String action, Path file, IOException e) {
    if (e instanceof AccessDeniedException) {
      return new UncheckedIOException(permissionDenied(action, file), e);
    }
    return new UncheckedIOException("cannot " + action + " " + file + ": " + e, e);
  }

  static String permissionDenied(String action, Path file) {
    Path shown = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? file : file.toAbsolutePath().getParent();
    String owner;
    try {
      PosixFileAttributes a = Files.readAttributes(shown, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      owner = shown + " is owned by " + a.owner().getName() + ":" + a.group().getName() + " with mode "
          + PosixFilePermissions.toString(a.permissions());
    } catch (IOException | UnsupportedOperationException ex) {
      owner = shown + " cannot be inspected";
    }
    String me = System.getProperty("user.name", "this user");
    Path dir = file.toAbsolutePath().getParent();
    return "cannot " + action + " " + file + ": permission denied (" + owner + ", and this process runs as " + me
        + "); the daemon's files must belong to the user it runs as: chown -R " + me + ": " + dir;
  }
}
