package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Looks ids up in files of the /etc/passwd and /etc/group formats ({@code name:x:id:...}). */
final class FileAccountNames implements AccountNames {

  private final Path passwd;
  private final Path group;

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

  private static Optional<String> lookup(Path file, long id) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 3 && !line.startsWith("#") && fields[2].equals(Long.toString(id))) {
          return Optional.of(fields[0]);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
