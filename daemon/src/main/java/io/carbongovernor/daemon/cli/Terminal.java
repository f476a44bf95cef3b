package io.carbongovernor.daemon.cli;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/**
 * Whether standard error is a terminal ({@code isatty(2)}), and how wide it is. The JDK tells
 * only whether standard input and output both are ({@code System.console()}).
 */
record Terminal(boolean stderrIsTerminal, int columns) {

  /** When the width cannot be read. */
  static final int DEFAULT_COLUMNS = 80;

  /** Standard error is not a terminal: no progress is drawn. */
  static final Terminal NONE = new Terminal(false, DEFAULT_COLUMNS);

  /** Linux {@code TIOCGWINSZ} (x86-64 and aarch64 alike). */
  private static final long TIOCGWINSZ = 0x5413;

  /** The jnr-ffi view of the C library; public because jnr-ffi generates its implementation. */
  public interface Calls {
    int isatty(int fd);

    /** {@code ioctl(fd, TIOCGWINSZ, struct winsize *)}: rows, columns, then two pixel sizes. */
    int ioctl(int fd, long request, @Out short[] winsize);
  }

  /** Standard error of this process; {@link #NONE} when it is no terminal or libc cannot be loaded. */
  static Terminal stderr() {
    Calls libc;
    try {
      libc = LibraryLoader.create(Calls.class).failImmediately().load("c");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return NONE;
    }
    if (libc.isatty(2) != 1) {
      return NONE;
    }
    short[] size = new short[4];
    int columns = libc.ioctl(2, TIOCGWINSZ, size) == 0 && size[1] > 0 ? size[1] : DEFAULT_COLUMNS;
    return new Terminal(true, columns);
  }
}
