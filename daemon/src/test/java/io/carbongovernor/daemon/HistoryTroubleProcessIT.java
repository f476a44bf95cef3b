package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.testing.Chattr;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon ({@code java -jar}, two simulated GPUs, ticked and sampled every second)
 * with a history the kernel will not let it write: it keeps controlling, says why once, and
 * never dies of it; and the mode its history gets whatever the umask.
 */
class HistoryTroubleProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final Pattern COMPLETED_TICKS =
      Pattern.compile("carbon_governor_ticks_total\\{result=\"completed\"} (\\d+)");
  private static final Pattern READ_ONLY_FAILURES =
      Pattern.compile("carbon_governor_history_write_failures_total\\{cause=\"read_only\"} (\\d+)");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running, nor a file the temp folder cannot delete. */
  @AfterEach
  void cleanUp() throws Exception {
    started.forEach(Process::destroyForcibly);
    Chattr.clearAll(dir);
  }

  private Path config() throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1s", "sample-every: 1s");
  }

  private Path database() {
    return dir.resolve("state").resolve("history.db");
  }

  /** Starts the packaged daemon, the command prefixed by {@code prefix} (a umask, setpriv). */
  private Process start(List<String> prefix) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-jar", JAR.toString(), "run", "--config", config().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  @Test
  void aHistoryMadeImmutableWhileTheDaemonWritesNeitherKillsItNorStopsItsTicks() throws Exception {
    Process daemon = start(List.of());
    BlockingQueue<String> out = lines(daemon);
    Output seen = new Output(out);
    int port = Integer.parseInt(seen.await(LISTEN).group(1));
    awaitMaxEnd(end -> end > 0);

    // Every file of the history, one by one as an operator protecting it might, companions
    // first, with writes between: SQLite must fault on none of them.
    List<Path> files = new ArrayList<>();
    try (var all = Files.list(database().getParent())) {
      all.filter(f -> f.getFileName().toString().startsWith("history.db"))
          .sorted(Comparator.comparing((Path f) -> -f.toString().length()).thenComparing(Path::toString))
          .forEach(files::add);
    }
    for (Path file : files) {
      long ticksBefore = number(scrape(daemon, seen, port), COMPLETED_TICKS);
      Chattr.Result set = Chattr.run("+i", file);
      assumeTrue(set.succeeded(), "the kernel refused chattr +i here: " + set.output());
      // Written back now, as the kernel would within half a minute: a page of a mapped file
      // written after that asks the file system again, which refuses an immutable file.
      assertThat(new ProcessBuilder("sync").start().waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      awaitScrape(daemon, seen, port, s -> number(s, COMPLETED_TICKS) >= ticksBefore + 2);
    }
    long ticksThen = number(scrape(daemon, seen, port), COMPLETED_TICKS);
    String scrape = awaitScrape(daemon, seen, port, s -> number(s, READ_ONLY_FAILURES) >= 3 && number(s, COMPLETED_TICKS) >= ticksThen + 3);
    assertThat(daemon.isAlive()).isTrue();
    assertThat(scrape).contains("carbon_governor_history_problems_total{cause=\"read_only\"} 1");

    assertThat(Chattr.run("-i", files.toArray(Path[]::new)).succeeded()).isTrue();
    seen.await(Pattern.compile("history works again"));
    long cleared = System.currentTimeMillis();
    awaitMaxEnd(end -> end > cleared);

    daemon.toHandle().destroy(); // SIGTERM
    String all = seen.text() + drain(out, daemon);
    assertThat(daemon.exitValue()).as(all).isZero();
    assertThat(all.lines().filter(l -> l.contains("history write failed")))
        .singleElement()
        .asString()
        .contains("cause=\"read_only\"", "chattr -i");
  }

  @Test
  void theHistoryIsCreatedWithMode0640UnderUmask0000And0077() throws Exception {
    for (String umask : List.of("0000", "0077")) {
      Process daemon = start(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
      BlockingQueue<String> out = lines(daemon);
      awaitMaxEnd(end -> end > 0);
      daemon.toHandle().destroy();
      String rest = drain(out, daemon);
      assertThat(daemon.exitValue()).as(rest).isZero();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database())))
          .as("under umask " + umask)
          .isEqualTo("rw-r-----");
      Files.delete(database());
    }
  }

  @Test
  void aHistoryOwnedBySomeoneElseIsNamedWithItsOwnerModeAndFixWhileControlGoesOn() throws Exception {
    // Root without CAP_DAC_OVERRIDE obeys file modes like any user: the daemon may read the
    // history but not write it.
    List<String> withoutOverride = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search");
    Process probe = new ProcessBuilder(concat(withoutOverride, "true")).redirectErrorStream(true).start();
    String refused = new String(probe.getInputStream().readAllBytes());
    assumeTrue(probe.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "the kernel refused to drop capabilities here: " + refused);
    HistoryStore.open("jdbc:sqlite:" + database()).close();
    Files.setPosixFilePermissions(database(), PosixFilePermissions.fromString("rw-r--r--"));
    try {
      Files.setAttribute(database(), "unix:uid", 4242);
      Files.setAttribute(database(), "unix:gid", 4242);
    } catch (FileSystemException e) {
      assumeTrue(false, "giving the file to another owner needs root: " + e.getMessage());
    }

    Process daemon = start(withoutOverride);
    BlockingQueue<String> out = lines(daemon);
    Output seen = new Output(out);
    int port = Integer.parseInt(seen.await(LISTEN).group(1));
    awaitScrape(daemon, seen, port, s -> number(s, READ_ONLY_FAILURES) >= 2 && number(s, COMPLETED_TICKS) >= 2);

    daemon.toHandle().destroy();
    String all = seen.text() + drain(out, daemon);
    assertThat(daemon.exitValue()).as(all).isZero();
    assertThat(all).contains("controlling");
    assertThat(all.lines().filter(l -> l.contains("cause=\"read_only\"")))
        .as(all)
        .singleElement()
        .asString()
        .contains(database() + " is not writable by user root (owner 4242, group 4242, mode 0644)",
            "fix: chown root: " + database())
        .doesNotContain("attempt to write a readonly database\"");
  }

  private static List<String> concat(List<String> prefix, String... rest) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(rest));
    return all;
  }

  /** The child's output as it comes, kept for the assertions at the end. */
  private static final class Output {
    private final BlockingQueue<String> lines;
    private final StringBuilder text = new StringBuilder();

    Output(BlockingQueue<String> lines) {
      this.lines = lines;
    }

    Matcher await(Pattern pattern) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          text.append(line).append('\n');
          Matcher m = pattern.matcher(line);
          if (m.find()) {
            return m;
          }
        }
      }
      throw new AssertionError("no line matching '" + pattern + "' in:\n" + text);
    }

    String text() {
      return text.toString();
    }

    /** Everything seen so far and what is left to read now. */
    String rest() throws InterruptedException {
      for (String line; (line = lines.poll(2, TimeUnit.SECONDS)) != null; ) {
        text.append(line).append('\n');
      }
      return text.toString();
    }
  }

  /** Scrapes the child's metrics; a child that died fails the test with its exit status and output. */
  private static String scrape(Process daemon, Output seen, int port) throws Exception {
    try {
      return scrape(port);
    } catch (IOException e) {
      if (daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("the daemon died, exit status " + daemon.exitValue() + ":\n" + seen.rest(), e);
      }
      throw e;
    }
  }

  private static String scrape(int port) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static String awaitScrape(Process daemon, Output seen, int port, Predicate<String> test) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    String body = "";
    while (System.nanoTime() < deadline) {
      body = scrape(daemon, seen, port);
      if (test.test(body)) {
        return body;
      }
      Thread.sleep(200); // a real process ticks on its own schedule (1 s here)
    }
    throw new AssertionError("the metrics did not get there within " + WAIT_SECONDS + " s; last scrape:\n" + body);
  }

  private static long number(String scrape, Pattern pattern) {
    Matcher m = pattern.matcher(scrape);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Polls the database read-only (as a report does) until the newest raw row's end passes {@code test}. */
  private long awaitMaxEnd(LongPredicate test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    String last = "no database yet";
    while (System.nanoTime() < deadline) {
      if (Files.exists(database())) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + database() + "?mode=ro");
            Statement st = db.createStatement();
            ResultSet rs = st.executeQuery("SELECT coalesce(max(end_ms), 0) FROM energy_raw")) {
          rs.next();
          long end = rs.getLong(1);
          if (test.test(end)) {
            return end;
          }
          last = "newest row ends at " + end;
        } catch (SQLException e) {
          last = e.getMessage(); // the schema may not be there yet
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("history did not advance: " + last);
  }
}
