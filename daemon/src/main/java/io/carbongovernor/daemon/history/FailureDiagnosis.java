package io.carbongovernor.daemon.history;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns what SQLite or the file system threw into a {@link HistoryFailure} with its real cause. */
final class FailureDiagnosis {

  private FailureDiagnosis() {}

  static HistoryFailure of(Throwable e, Optional<HistoryFile> file) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof SQLiteException sqlite) {
      return ofSqlite(sqlite.getResultCode(), message, file);
    }
    if (e instanceof FileSystemException fs) {
      String reason = String.valueOf(fs.getReason());
      if (reason.contains("No space left")) {
        return new HistoryFailure(HistoryProblem.DISK_FULL, message + freeSpace(file));
      }
      if (fs instanceof AccessDeniedException || reason.contains("Read-only file system")
          || reason.contains("Operation not permitted")) {
        return new HistoryFailure(HistoryProblem.READ_ONLY, message + access(file));
      }
    }
    if (e instanceof IOException) {
      return new HistoryFailure(HistoryProblem.IO_ERROR, message);
    }
    return new HistoryFailure(HistoryProblem.OTHER, e.getClass().getSimpleName() + ": " + message);
  }

  private static HistoryFailure ofSqlite(SQLiteErrorCode code, String message, Optional<HistoryFile> file) {
    if (code == SQLiteErrorCode.SQLITE_READONLY_DBMOVED) {
      return new HistoryFailure(HistoryProblem.DELETED, message);
    }
    int primary = code == null ? SQLiteErrorCode.SQLITE_ERROR.code : code.code & 0xff;
    if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
      return new HistoryFailure(HistoryProblem.DISK_FULL, message + freeSpace(file));
    }
    if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return new HistoryFailure(HistoryProblem.DAMAGED, message + file.flatMap(FailureDiagnosis::shortFall).orElse(""));
    }
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return new HistoryFailure(HistoryProblem.LOCKED, message
          + "; another process held the database longer than the daemon waits (a long report, or a shell left in"
          + " a transaction?)");
    }
    if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_PERM.code
        || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code || primary == SQLiteErrorCode.SQLITE_AUTH.code) {
      return new HistoryFailure(HistoryProblem.READ_ONLY, message + access(file));
    }
    if (primary == SQLiteErrorCode.SQLITE_IOERR.code) {
      // SQLite reports EPERM (an immutable file) and EROFS as a plain write error: look.
      Optional<String> why = file.flatMap(WriteAccess::whyNotWritable);
      return why.isPresent()
          ? new HistoryFailure(HistoryProblem.READ_ONLY, message + "; " + why.get())
          : new HistoryFailure(HistoryProblem.IO_ERROR, message);
    }
    return new HistoryFailure(HistoryProblem.OTHER, message);
  }

  /** What the file's header says it lacks, if anything: a truncation SQLite reports as corruption. */
  private static Optional<String> shortFall(HistoryFile file) {
    try {
      return file.damage(false).map(d -> "; " + file + " " + d);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String access(Optional<HistoryFile> file) {
    return file.flatMap(WriteAccess::whyNotWritable).map(why -> "; " + why).orElse("");
  }

  private static String freeSpace(Optional<HistoryFile> file) {
    if (file.isEmpty()) {
      return "";
    }
    try {
      long free = Files.getFileStore(file.get().path().getParent()).getUsableSpace();
      return "; " + free / (1024 * 1024) + " MiB free for " + WriteAccess.processUser() + " on the file system of "
          + file.get().path().getParent();
    } catch (IOException e) {
      return "";
    }
  }
}
