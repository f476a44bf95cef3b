package io.carbongovernor.gpu;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks names and ids up in files of the /etc/passwd and /etc/group formats ({@code name:x:id:...}). A file
 * that is no regular file or larger than {@link #MAX_FILE} gives no names, and says so in the log
 * once.
 */
final class FileAccountNames implements AccountNames {

  private static final Logger log = LoggerFactory.getLogger(FileAccountNames.class);

  /** The largest account file read: some 300,000 accounts of 100 bytes. */
  static final ByteSize MAX_FILE = ByteSize.ofMebibytes(32);

  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("\\d{1,10}");

  private final Path passwd;
  private final Path group;
  private volatile String lastRefusal;

  FileAccountNames(Path passwd, Path group) {
    this.passwd = passwd;
    this.group = group;
  }

  @Override
  public Optional<String> user(long uid) {
    return lookup(passwd, uid);
  }

  @Override
  public Optional<String> group(long gid) {
    return lookup(group, gid);
  }

  @Override
  public OptionalLong uid(String user) {
    return find(passwd, 0, user).filter(id -> ID.matcher(id).matches())
        .map(id -> OptionalLong.of(Long.parseLong(id))).orElse(OptionalLong.empty());
  }

  @Override
  public Optional<Account> account(long uid) {
    Optional<String[]> entry = entry(passwd, 2, Long.toString(uid));
    if (entry.isEmpty() || entry.get().length < 7 || !ID.matcher(entry.get()[3]).matches()) {
      return Optional.empty();
    }
    String[] f = entry.get();
    long gid = Long.parseLong(f[3]);
    java.util.LinkedHashSet<String> groups = new java.util.LinkedHashSet<>();
    groups.add(group(gid).orElse(Long.toString(gid)));
    // Supplementary groups: those whose member list (the fourth field) names the user.
    try (BufferedReader lines = InputFiles.newReader(group, MAX_FILE)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] g = line.split(":", -1);
        if (g.length >= 4 && !line.startsWith("#") && java.util.Arrays.asList(g[3].split(",")).contains(f[0])) {
          groups.add(g[0]);
        }
      }
    } catch (UnsuitableFileException e) {
      refused(e);
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(new Account(uid, f[0], gid, f[5], f[6], List.copyOf(groups)));
  }

  @Override
  public OptionalLong primaryGid(long uid) {
    return entry(passwd, 2, Long.toString(uid)).filter(fields -> fields.length >= 4 && ID.matcher(fields[3]).matches())
        .map(fields -> OptionalLong.of(Long.parseLong(fields[3]))).orElse(OptionalLong.empty());
  }

  private Optional<String> lookup(Path file, long id) {
    return find(file, 2, Long.toString(id));
  }

  /** The first entry whose field {@code key} (0: name, 2: id) is {@code wanted}: its other one. */
  private Optional<String> find(Path file, int key, String wanted) {
    return entry(file, key, wanted).map(fields -> fields[2 - key]);
  }

  /** The fields of the first entry whose field {@code key} is {@code wanted}. */
  private Optional<String[]> entry(Path file, int key, String wanted) {
    try (BufferedReader lines = InputFiles.newReader(file, MAX_FILE)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 3 && !line.startsWith("#") && fields[key].equals(wanted)) {
          return Optional.of(fields);
        }
      }
    } catch (UnsuitableFileException e) {
      refused(e);
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Lookups come every tick: a refusal is logged when it is new, not at each of them. */
  private void refused(UnsuitableFileException e) {
    String message = e.getMessage();
    if (!message.equals(lastRefusal)) {
      lastRefusal = message;
      log.atWarn().addKeyValue("file", e.file()).log("account names not read: " + message);
    }
  }
}
