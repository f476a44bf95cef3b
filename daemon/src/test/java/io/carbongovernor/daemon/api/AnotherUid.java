package io.carbongovernor.daemon.api;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a command as uid 65534 (nobody) through setpriv, for the tests that guard the API's main
 * promise: one user cannot take another's job. Switching uid needs root; a build that is not root
 * fails rather than skip them without a word, unless told to skip them, which it says loudly.
 */
final class AnotherUid {

  static final long NOBODY = 65534;
  static final String SKIP_PROPERTY = "carbon-governor.skip-other-uid-tests";
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private AnotherUid() {}

  /** Fails the test (or, with the skip property, skips it loudly) where uids cannot be switched. */
  static void require() {
    boolean root = new UnixSystem().getUid() == 0;
    boolean setpriv = Files.isExecutable(SETPRIV);
    if (root && setpriv) {
      return;
    }
    String why =
        (root ? "" : "the build does not run as root")
            + (root || setpriv ? "" : " and ")
            + (setpriv ? "" : SETPRIV + " (util-linux) is missing");
    String how =
        "This test proves that one user cannot register or read another user's job, by calling the"
            + " API as uid 65534 through setpriv. Run the build as root (CI does), e.g. sudo mvn verify,"
            + " or skip it knowingly with -D" + SKIP_PROPERTY + "=true.";
    if (Boolean.getBoolean(SKIP_PROPERTY)) {
      String line = "!".repeat(100);
      System.err.println(line);
      System.err.println("!! SKIPPED: the test that one user cannot take another's job (" + why + ")");
      System.err.println("!! " + how);
      System.err.println(line);
      Assumptions.abort("skipped with -D" + SKIP_PROPERTY + ": " + why);
    }
    fail("Cannot switch to another uid: " + why + ". " + how);
  }

  /** The command line that runs {@code command} as nobody, without supplementary groups. */
  static List<String> asNobody(List<String> command) {
    List<String> cmd =
        new ArrayList<>(
            List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    cmd.addAll(command);
    return cmd;
  }
}
