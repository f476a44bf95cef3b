package io.carbongovernor.daemon.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Looks names up in a file of the /etc/passwd format. */
final class PasswdFileAccountIds implements AccountIds {

  private final Path passwd;

  PasswdFileAccountIds(Path passwd) {
    this.passwd = passwd;
  }

  @Override
  public OptionalLong uid(String name) {
    try (BufferedReader in = Files.newBufferedReader(passwd, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(":", 4);
        if (f.length >= 3 && f[0].equals(name) && f[2].matches("\\d{1,10}")) {
          return OptionalLong.of(Long.parseLong(f[2]));
        }
      }
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new IdentityException("cannot read " + passwd + ": " + e.getMessage(), e);
    }
  }
}
