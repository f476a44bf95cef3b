package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.history.HistoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The progress of long commands as a fake terminal receives it, on a clock the test moves; and
 * that nothing at all reaches a standard error that is no terminal.
 */
class ProgressTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final StringWriter terminal = new StringWriter();
  private final AtomicLong now = new AtomicLong(5 * SECOND);

  private String take() {
    String s = terminal.toString();
    terminal.getBuffer().setLength(0);
    return s;
  }

  @Test
  void theBarCountsItemsEstimatesTheRestAndIsClearedAtTheEnd() {
    ProgressBar bar = new ProgressBar(new PrintWriter(terminal), 80, "simulate", 4, now::get);
    bar.next("full-speed");
    assertThat(take()).isEqualTo("\rsimulate [....................] 0/4: full-speed");

    now.addAndGet(SECOND / 20); // sooner than a redraw: nothing
    bar.next("static cap=80%");
    assertThat(take()).isEmpty();

    now.addAndGet(2 * SECOND);
    bar.next("chase eta=0.5");
    // Two done in about 2 s: two more take about as long. The shorter line blanks what is left.
    String line = "simulate [##########..........] 2/4, ~2 s left: chase eta=0.5";
    assertThat(take()).isEqualTo("\r" + line + " ".repeat(Math.max(0, 40 - line.length())));

    bar.close();
    assertThat(take()).isEqualTo("\r" + " ".repeat(line.length()) + "\r");
  }

  @Test
  void aLineIsCutShortOfTheLastColumn() {
    ProgressBar bar = new ProgressBar(new PrintWriter(terminal), 32, "simulate", 10, now::get);
    bar.next("forecast budget=5% scope=team window=56d");
    assertThat(take()).isEqualTo("\rsimulate [....................]");
  }

  @Test
  void elapsedWorkTurnsAMarkAndCountsTheTime() {
    ElapsedProgress p = new ElapsedProgress(new PrintWriter(terminal), 80, "report: reading the history", now::get);
    p.draw();
    assertThat(take()).isEqualTo("\rreport: reading the history | 0 s");
    now.addAndGet(75 * SECOND);
    p.draw();
    assertThat(take()).isEqualTo("\rreport: reading the history / 1 min 15 s");
    p.close();
    assertThat(take()).isEqualTo("\r" + " ".repeat(40) + "\r");
    p.draw();
    assertThat(take()).isEmpty();
  }

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertThat(ProgressBar.duration(8 * SECOND + 900_000_000L)).isEqualTo("8 s");
    assertThat(ProgressBar.duration(185 * SECOND)).isEqualTo("3 min 5 s");
    assertThat(ProgressBar.duration(3 * 3600 * SECOND + 125 * SECOND)).isEqualTo("3 h 2 min");
  }

  private CommandRun simulate(Terminal stderr) throws Exception {
    Path trace = Files.writeString(dir.resolve("trace.csv"), "time,value\n2026-03-02T00:00:00Z,100\n"
        + "2026-03-02T01:00:00Z,200\n2026-03-02T02:00:00Z,300\n2026-03-02T03:00:00Z,400\n");
    return run(stderr, "simulate", "--trace", trace.toString(), "--profile", "a40", "--workload",
        "cifar100/shufflenetv2", "--batch-size", "128", "--epochs", "10", "--start", "2026-03-02T00:00:00Z",
        "--policies", "full-speed,static");
  }

  private static CommandRun run(Terminal stderr, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine(() -> stderr);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new CommandRun(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void simulateOnATerminalDrawsABarAndClearsItBeforeItsOutput() throws Exception {
    CommandRun run = simulate(new Terminal(true, 120));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).startsWith("\rsimulate [....................] 0/").contains(": full-speed")
        .endsWith("\r").doesNotContain("\n");
    assertThat(run.out()).startsWith("trace ").doesNotContain("\r");
  }

  @Test
  void simulateWritesNothingToAStandardErrorThatIsNoTerminal() throws Exception {
    CommandRun run = simulate(Terminal.NONE);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void reportOnATerminalShowsTheTimeTakenAndClearsIt() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    HistoryStore.open(url).close();
    Path config = Files.writeString(dir.resolve("governor.yaml"),
        "zone: Z\ncarbon: {sources: [{type: uk}]}\nhistory: {url: \"" + url + "\"}\n");
    String[] args = {"report", "--config", config.toString(), "--from", "2026-11-01", "--to", "2026-11-30"};

    CommandRun shown = run(new Terminal(true, 80), args);
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.err()).matches("\\rreport: reading the history \\| \\d+ s.*\\r *\\r").doesNotContain("\n");

    CommandRun hidden = run(Terminal.NONE, args);
    assertThat(hidden.exitCode()).as(hidden.err()).isZero();
    assertThat(hidden.err()).isEmpty();
    assertThat(hidden.out()).isEqualTo(shown.out());
  }
}
