package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Progress of work counted in items: {@code simulate [#####...............] 10/40, ~30 s left:
 * chase eta=0.3}. Redrawn at most every {@link #REDRAW_NANOS}, so that many quick items cost
 * the terminal nothing.
 */
final class ProgressBar implements Progress {

  static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR = 20;

  private final TerminalLine line;
  private final String task;
  private final int total;
  private final LongSupplier nanoTime;
  private int begun;
  private long start;
  private long lastDraw;

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  ProgressBar(PrintWriter terminal, int columns, String task, int total, LongSupplier nanoTime) {
    this.line = new TerminalLine(terminal, columns);
    this.task = task;
    this.total = Math.max(1, total);
    this.nanoTime = nanoTime;
  }

  @Override
  public void next(String what) {
    long now = nanoTime.getAsLong();
    begun++;
    if (begun == 1) {
      start = now;
    } else if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    line.draw(text(Math.min(begun - 1, total), now - start, what));
  }

  /** The line for {@code done} items finished in {@code elapsedNanos}, the next being {@code what}. */
  String text(int done, long elapsedNanos, String what) {
    int filled = done * BAR / total;
    StringBuilder s = new StringBuilder(task).append(" [")
        .append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ")
        .append(done).append('/').append(total);
    if (done > 0) {
      s.append(", ~").append(duration(elapsedNanos / done * (total - done))).append(" left");
    }
    return s.append(": ").append(what).toString();
  }

  /** Whole seconds, minutes from a minute on, hours from an hour on: {@code 8 s}, {@code 3 min 5 s}. */
  static String duration(long nanos) {
    long s = Math.max(0, nanos) / 1_000_000_000L;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + s % 3600 / 60 + " min";
  }

  @Override
  public void close() {
    line.clear();
  }
}
