package io.carbongovernor.bench.carbon;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the carbon benchmarks run against: an in-memory trace and a server that never answers. */
final class BenchSources {

  private BenchSources() {}

  /** A week of hourly slots around now, replayed at its own times. */
  static CarbonSource trace(Clock clock) {
    Instant start = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(3));
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (int h = 0; h < 24 * 7; h++) {
      Instant s = start.plus(Duration.ofHours(h));
      slots.add(new CarbonTrace.Slot(s, s.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(150 + (h % 24) * 5), false));
    }
    return CarbonSources.trace(CarbonTrace.of("BENCH", slots), clock, TraceTiming.ABSOLUTE, "trace");
  }

  /**
   * A TCP server on loopback that accepts connections and never writes a byte: a provider that
   * has stalled. Closing it closes every connection it holds.
   */
  static final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    SilentServer() {
      try {
        server = new ServerSocket(0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            held.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
