package io.carbongovernor.daemon.queue.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import io.carbongovernor.gpu.AccountNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The accounts the launcher tests switch to: {@code nobody}, looked up as {@code id} sees it. Only
 * root can start a process as another user; a build that is not root fails these tests with a
 * clear message rather than skip them (CI runs as root).
 */
final class Accounts {

  static final AccountNames SYSTEM = AccountNames.system();

  private Accounts() {}

  static void requireRoot() {
    if (new UnixSystem().getUid() != 0) {
      fail("the launcher tests start processes as another user, which needs root: run the build as root (CI does)");
    }
  }

  static long nobody() throws IOException {
    return Long.parseLong(id("-u", "nobody"));
  }

  static long nobodysGid() throws IOException {
    return Long.parseLong(id("-g", "nobody"));
  }

  static Set<String> nobodysGroups() throws IOException {
    return new TreeSet<>(Arrays.asList(id("-G", "nobody").split(" ")));
  }

  static void giveToNobody(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", (int) nobody());
    Files.setAttribute(path, "unix:gid", (int) nobodysGid());
  }

  static String id(String option, String user) throws IOException {
    return run(List.of("id", option, user)).strip();
  }

  static String run(List<String> argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ends", argv).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertThat(p.exitValue()).as("%s: %s", argv, out).isZero();
    return out;
  }

  static Set<String> words(String line) {
    return Arrays.stream(line.strip().split("\\s+")).collect(Collectors.toCollection(TreeSet::new));
  }
}
