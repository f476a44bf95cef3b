package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;

/**
 * One line of a terminal redrawn in place: a carriage return, the text cut to the width (short of
 * the last column, where a terminal may wrap), blanks over what the last text left; cleared the
 * same way.
 */
final class TerminalLine {

  private final PrintWriter terminal;
  private final int width;
  private int shown;

  TerminalLine(PrintWriter terminal, int columns) {
    this.terminal = terminal;
    this.width = Math.max(10, columns - 1);
  }

  void draw(String text) {
    String line = text.length() > width ? text.substring(0, width) : text;
    terminal.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
    terminal.flush();
    shown = line.length();
  }

  /** Blanks the line and returns to its start; nothing when nothing was drawn. */
  void clear() {
    if (shown > 0) {
      terminal.print("\r" + " ".repeat(shown) + "\r");
      terminal.flush();
      shown = 0;
    }
  }
}
