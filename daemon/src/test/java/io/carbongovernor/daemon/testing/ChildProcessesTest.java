package io.carbongovernor.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The process tests' children start with the stop and reload signals at their defaults. */
class ChildProcessesTest {

  private static final int SIGHUP = 1;
  private static final int SIGINT = 2;
  private static final int SIGTERM = 15;

  @Test
  void aChildOfAParentThatIgnoresHupIntAndTermGetsThemBack() throws Exception {
    // The parent a test JVM has under nohup or in a script's background job, made explicit: the
    // ignored signals pass to whatever it runs, here the helper's command line.
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "trap '' HUP INT TERM; exec \"$@\"", "bash"));
    cmd.addAll(ChildProcesses.withDefaultSignals(List.of("grep", "^SigIgn:", "/proc/self/status")).command());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    BigInteger ignored = new BigInteger(out.substring("SigIgn:".length()).trim(), 16);
    for (int signal : new int[] {SIGHUP, SIGINT, SIGTERM}) {
      assertThat(ignored.testBit(signal - 1)).as("signal %d ignored in %s", signal, out).isFalse();
    }
  }
}
