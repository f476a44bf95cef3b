package io.carbongovernor.daemon.queue.launch;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The directory of "this job was started" markers, one file per job id. The launched process
 * creates its marker with O_CREAT|O_EXCL before it becomes the job (a shell's noclobber, which
 * dash and bash implement with O_EXCL), so of any number of launches of one id, across threads and
 * daemon restarts, at most one gets past it; and a daemon killed before its child made the marker
 * leaves no marker behind for a job that never ran.
 */
final class LaunchMarkers {

  /** The queue's job ids: nothing else can name a file here. */
  private static final Pattern JOB_ID = Pattern.compile("q-[0-9a-f]{16}");

  /** Exit status of the marker shell when the marker could not be created. */
  static final int MARKER_REFUSED = 75;

  // $0: the marker; "$@": the launcher's argv. echo $$ records the pid that became the launcher.
  private static final String MARKER_SHELL = "set -C; echo $$ > \"$0\" || exit " + MARKER_REFUSED + "; exec \"$@\"";

  private static final int WRITABLE_BY_GROUP_OR_OTHERS = 0022;

  private final Path dir;

  private LaunchMarkers(Path dir) {
    this.dir = dir;
  }

  /**
   * The marker directory, created 0700 where missing; refused when it is a link, is no directory,
   * belongs to another user or others may write it (they could plant or remove markers).
   */
  static LaunchMarkers in(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(absolute.getParent());
      try {
        Files.createDirectory(absolute);
        // Set after creation: the umask applies to the mode given at creation.
        Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
      } catch (FileAlreadyExistsException raced) {
        // Checked below like any existing one.
      }
    }
    Map<String, Object> attributes = Files.readAttributes(absolute, "unix:*", LinkOption.NOFOLLOW_LINKS);
    if (Files.isSymbolicLink(absolute) || !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the job marker directory " + absolute + " is not a directory (a link or a file)");
    }
    long owner = ((Number) attributes.get("uid")).longValue();
    int mode = ((Number) attributes.get("mode")).intValue();
    long self = new UnixSystem().getUid();
    if (owner != self) {
      throw new IOException(
          "the job marker directory " + absolute + " belongs to uid " + owner + ", not to the daemon's uid " + self);
    }
    if ((mode & WRITABLE_BY_GROUP_OR_OTHERS) != 0) {
      throw new IOException("the job marker directory " + absolute + " may be written by other users (mode "
          + Integer.toOctalString(mode & 07777) + "); make it 0700");
    }
    return new LaunchMarkers(absolute);
  }

  Path dir() {
    return dir;
  }

  /** Whether a launch of this job got past its marker (or at least created it). */
  boolean exists(String jobId) {
    return Files.exists(marker(jobId), LinkOption.NOFOLLOW_LINKS);
  }

  Path marker(String jobId) {
    checkId(jobId);
    return dir.resolve(jobId);
  }

  /** The argv prefix that creates the job's marker, or exits {@link #MARKER_REFUSED}, then execs the rest. */
  List<String> guard(String jobId) {
    return List.of(RootProcess.SH, "-c", MARKER_SHELL, marker(jobId).toString());
  }

  /** Why a launcher process that exited with {@code exit} and printed {@code output} did not start the job. */
  LaunchException failure(String jobId, int exit, String output) {
    String said = output.isBlank() ? "" : ": " + output.strip();
    if (exit == MARKER_REFUSED && exists(jobId)) {
      return new LaunchException("job " + jobId + " was already launched (its marker " + marker(jobId) + " exists)");
    }
    return new LaunchException("job " + jobId + " did not start (launcher exit status " + exit + ")" + said);
  }

  static void checkId(String jobId) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("not a job id (q- and 16 lowercase hex digits): " + jobId);
    }
  }
}
