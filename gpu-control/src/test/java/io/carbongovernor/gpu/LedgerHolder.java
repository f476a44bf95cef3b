package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for {@link LedgerTest}: opens the ledger of the state directory given, says
 * {@code held}, and keeps it until its standard input closes or it is killed.
 */
public final class LedgerHolder {

  private LedgerHolder() {}

  public static void main(String[] args) throws IOException {
    try (Ledger ledger = Ledger.open(Path.of(args[0]))) {
      ledger.recordOriginal("GPU-held", Power.ofWatts(300));
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for the test to let go or kill this process.
      }
    }
  }
}
