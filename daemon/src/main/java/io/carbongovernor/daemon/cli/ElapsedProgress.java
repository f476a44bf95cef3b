package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of work that cannot be counted (one long database query): {@code report: reading the
 * history | 12 s}, the mark turning and the time counting while it lasts.
 */
final class ElapsedProgress implements Progress {

  static final long REDRAW_MILLIS = 250;
  private static final String TURNS = "|/-\\";

  private final TerminalLine line;
  private final LongSupplier nanoTime;
  private final long start;
  private String what;
  private int turn;
  private ScheduledExecutorService redraws;

  /** Draws when {@link #draw()} is called; {@link #started} also redraws on its own. */
  ElapsedProgress(PrintWriter terminal, int columns, String what, LongSupplier nanoTime) {
    this.line = new TerminalLine(terminal, columns);
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.what = what;
  }

  /** Drawn now and every {@link #REDRAW_MILLIS} on a thread of its own until closed. */
  static ElapsedProgress started(PrintWriter terminal, int columns, String what) {
    ElapsedProgress p = new ElapsedProgress(terminal, columns, what, System::nanoTime);
    p.redraws = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress");
      t.setDaemon(true);
      return t;
    });
    p.draw();
    p.redraws.scheduleWithFixedDelay(p::draw, REDRAW_MILLIS, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    return p;
  }

  @Override
  public synchronized void next(String what) {
    this.what = what;
    draw();
  }

  synchronized void draw() {
    if (turn < 0) {
      return;
    }
    line.draw(what + " " + TURNS.charAt(turn++ % TURNS.length()) + " "
        + ProgressBar.duration(nanoTime.getAsLong() - start));
  }

  @Override
  public void close() {
    if (redraws != null) {
      redraws.shutdownNow();
      try {
        redraws.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      turn = -1;
      line.clear();
    }
  }
}
