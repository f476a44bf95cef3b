package io.carbongovernor.bench.api;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local API under a hostile local user, against the packaged daemon (8 simulated GPUs, a tick
 * every second) on loopback TCP and its Unix socket. Every loop is bounded in count and time:
 *
 * <ol>
 *   <li>baseline: sequential {@code /v1/status} requests, each on a new connection;
 *   <li>the same with 500 connections held open, half idle after one byte, half trickling a
 *       header byte every 2 s (target: p99 under 100 ms);
 *   <li>10,000 {@code /metrics} scrapes abandoned before the answer (a close or a reset), and the
 *       daemon's open descriptors before and after;
 *   <li>5,000 requests at once, each answered or refused with 503 (the slowest and how many 503s);
 *   <li>1,100 silent TCP connections, over the listener's cap: the socket answers meanwhile, and
 *       TCP once the stalled connections are shed;
 *   <li>throughout, the ticks: how many completed against the time passed, the slowest, and how
 *       long ago the last one was at the end of each phase.
 * </ol>
 *
 * <p>Usage: {@code ApiAbuseBench LAUNCHER TRACE OUT.md}. Writes the page's Markdown with a {@code
 * {{header}}} line where {@code bench/api} puts the stamp (commit, JVM, CPUs, load at start and end).
 */
public final class ApiAbuseBench {

  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static final int SEQUENTIAL = 2000;
  private static final int HELD_OPEN = 500;
  private static final int ABORTED = 10_000;
  private static final int AT_ONCE = 5000;
  private static final int OVER_THE_CAP = 1100;
  private static final Pattern SAMPLE = Pattern.compile("^(\\S+?)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

  private final DaemonProcess daemon;
  private final List<String> report = new ArrayList<>();

  private ApiAbuseBench(DaemonProcess daemon) {
    this.daemon = daemon;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ApiAbuseBench LAUNCHER TRACE OUT.md");
      System.exit(2);
    }
    Path launcher = Path.of(args[0]);
    Path trace = Path.of(args[1]);
    Path out = Path.of(args[2]);
    Path dir = Files.createTempDirectory("carbon-governor-api-bench-");
    Path config = DaemonProcess.config(dir, trace, INTERVAL);
    List<String> lines;
    int exit;
    try (DaemonProcess daemon = DaemonProcess.start(launcher, config, dir.resolve("run/api.sock"))) {
      ApiAbuseBench bench = new ApiAbuseBench(daemon);
      bench.run();
      lines = bench.report;
      daemon.close();
      exit = daemon.exitStatus();
    }
    List<String> text = new ArrayList<>();
    text.add("# The local API under abuse");
    text.add("");
    text.add("`bench/api` (`io.carbongovernor.bench.api.ApiAbuseBench`): the packaged daemon through its launcher"
        + " (`bin/carbon-governor`, `-XX:+UseSerialGC -Xmx128m`), 8 simulated A40s, the bundled California"
        + " trace, `interval: 1s`; every request from this machine to its loopback TCP listener or its Unix socket.");
    text.add("");
    text.add("{{header}}");
    text.add("");
    text.add("The API's limits (`ApiServer`): connections cost no thread and close after 30 s of silence (2 s while a"
        + " listener holds its cap of 1,000); four requests run at once, 64 more wait at most 2 s, the rest are refused"
        + " with a JSON 503 at once. A burst's latency runs from a request's last byte sent to its whole answer, so it"
        + " includes the wait in the kernel's accept queue. The machine is shared: other builds load its cores, so"
        + " the load average in the header is part of each result.");
    text.add("");
    text.addAll(lines);
    text.add("");
    text.add("Daemon exit status after SIGTERM: " + exit + " (0: limits restored).");
    String markdown = String.join("\n", text) + "\n";
    Files.writeString(out, markdown);
  }

  private void run() throws Exception {
    report.add("| phase | measure | value | target |");
    report.add("|---|---|---|---|");
    Ticks ticks = Ticks.read(this);

    Latencies baseline = statusRequests(SEQUENTIAL);
    row("baseline", "`/v1/status`, one at a time, new connection each", baseline.summary(), "");
    ticks = tickRow("baseline", ticks);

    heldOpen();
    ticks = tickRow("500 held open", ticks);

    aborted();
    ticks = tickRow("10,000 aborted", ticks);

    burst();
    ticks = tickRow("5,000 at once", ticks);

    atTheCap();
    tickRow("over the cap", ticks);

  }

  private List<SocketAddress> listeners() {
    return List.of(daemon.tcp(), daemon.unix());
  }

  private Latencies statusRequests(int count) throws IOException {
    Latencies l = new Latencies(count);
    byte[] request = OneRequest.get("/v1/status");
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      int status = OneRequest.send(listeners().get(i % 2), request, ANSWER).status();
      if (status != 200) {
        throw new IOException("/v1/status answered " + status);
      }
      l.add(System.nanoTime() - t0);
    }
    return l;
  }

  /** Half idle after one byte, half sending a header byte every 2 s (the idle timeout is 30 s). */
  private void heldOpen() throws Exception {
    List<SocketChannel> idle = new ArrayList<>();
    List<SocketChannel> trickling = new ArrayList<>();
    int logFrom = daemon.logSize();
    try {
      for (int i = 0; i < HELD_OPEN; i++) {
        SocketChannel c = OneRequest.open(listeners().get(i % 2));
        c.write(ByteBuffer.wrap("G".getBytes(StandardCharsets.US_ASCII)));
        (i % 4 < 2 ? idle : trickling).add(c);
      }
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int round = 0; round < 30 && !Thread.currentThread().isInterrupted(); round++) {
                    Thread.sleep(2000);
                    for (SocketChannel c : trickling) {
                      c.write(ByteBuffer.wrap(round == 0 ? "ET /v1/status HTTP/1.1\r\nX-".getBytes(StandardCharsets.US_ASCII)
                          : "a".getBytes(StandardCharsets.US_ASCII)));
                    }
                  }
                } catch (InterruptedException | IOException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "trickle");
      trickle.setDaemon(true);
      trickle.start();
      Latencies held = statusRequests(SEQUENTIAL);
      trickle.interrupt();
      trickle.join();
      long stillOpen = idle.stream().filter(SocketChannel::isOpen).count() + trickling.stream().filter(SocketChannel::isOpen).count();
      row("500 held open", "`/v1/status` while " + HELD_OPEN + " connections stall (" + stillOpen + " open at the end)",
          held.summary(), "p99 < 100 ms");
      row("500 held open", "daemon log: warnings or stack traces", Integer.toString(daemon.troubleSince(logFrom).size()), "0");
    } finally {
      for (SocketChannel c : idle) {
        c.close();
      }
      for (SocketChannel c : trickling) {
        c.close();
      }
    }
  }

  private void aborted() throws Exception {
    waitForDescriptorsToSettle(Duration.ofSeconds(5));
    long before = daemon.descriptors();
    int logFrom = daemon.logSize();
    byte[] scrape = OneRequest.get("/metrics");
    long t0 = System.nanoTime();
    for (int i = 0; i < ABORTED; i++) {
      if (i % 2 == 0) {
        try (Socket s = new Socket(daemon.tcp().getAddress(), daemon.tcp().getPort())) {
          s.setSoLinger(i % 4 == 0, 0); // every other TCP one a reset
          s.getOutputStream().write(scrape);
        }
      } else {
        try (SocketChannel c = OneRequest.open(daemon.unix())) {
          c.write(ByteBuffer.wrap(scrape));
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long settled = waitForDescriptorsToSettle(Duration.ofSeconds(30));
    long after = daemon.descriptors();
    row("10,000 aborted", String.format(Locale.ROOT, "%,d `/metrics` scrapes abandoned (half TCP: close or reset; half socket), in %.1f s",
        ABORTED, seconds), "open descriptors " + before + " before, " + after + " after (settled in " + settled + " ms)", "no growth");
    row("10,000 aborted", "daemon log: warnings or stack traces", Integer.toString(daemon.troubleSince(logFrom).size()), "0");
    int status = OneRequest.send(daemon.tcp(), OneRequest.get("/metrics"), ANSWER).status();
    row("10,000 aborted", "a scrape afterwards", Integer.toString(status), "200");
  }

  /** Waits until the count stops falling, up to a limit; how long it took, in ms. */
  private long waitForDescriptorsToSettle(Duration limit) throws Exception {
    long t0 = System.nanoTime();
    long last = daemon.descriptors();
    int steady = 0;
    while (System.nanoTime() - t0 < limit.toNanos() && steady < 10) {
      Thread.sleep(100);
      long now = daemon.descriptors();
      steady = now >= last ? steady + 1 : 0;
      last = now;
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * More silent connections than the TCP listener's cap (1,000): the socket still answers at
   * once, and TCP again once the stalled ones time out.
   */
  private void atTheCap() throws Exception {
    List<SocketChannel> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < OVER_THE_CAP; i++) {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        c.connect(daemon.tcp());
        stalled.add(c);
      }
      Thread.sleep(500);
      long t0 = System.nanoTime();
      int unix = OneRequest.send(daemon.unix(), OneRequest.get("/v1/status"), ANSWER).status();
      row("over the cap", OVER_THE_CAP + " silent TCP connections: `/v1/status` over the socket",
          unix + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms", "200 at once");
      t0 = System.nanoTime();
      int tcp = 0;
      while (tcp != 200 && System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
        tcp = OneRequest.send(daemon.tcp(), OneRequest.get("/v1/status"), ANSWER).status();
      }
      row("over the cap", "the same over TCP, waiting in the backlog until stalled connections are shed",
          tcp + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms", "within seconds");
    } finally {
      for (SocketChannel c : stalled) {
        c.close();
      }
    }
  }

  private void burst() throws Exception {
    int logFrom = daemon.logSize();
    ConcurrentBurst.Result r =
        ConcurrentBurst.run(listeners(), AT_ONCE, OneRequest.get("/v1/status"), Duration.ofSeconds(60));
    row("5,000 at once", "`/v1/status` answered 200 / refused 503 / other / no answer",
        r.ok() + " / " + r.refused503() + " / " + r.otherStatus() + " / " + r.noAnswer(), "every one answered");
    row("5,000 at once", "latency from request sent to whole answer, all (opening the 5,000 sockets took "
        + r.openingMs() + " ms)", r.latencies().summary(), "");
    row("5,000 at once", "the same, the 503s", r.latencies503().summary(), "quick");
    row("5,000 at once", "daemon log: warnings or stack traces", Integer.toString(daemon.troubleSince(logFrom).size()), "0");
  }

  private void row(String phase, String measure, String value, String target) {
    report.add("| " + phase + " | " + measure + " | " + value + " | " + target + " |");
  }

  private Ticks tickRow(String phase, Ticks before) throws IOException {
    Ticks now = Ticks.read(this);
    double seconds = (now.readAt - before.readAt) / 1e9;
    double lag = now.wallSeconds - now.lastTick;
    row(phase, String.format(Locale.ROOT, "ticks completed in %.1f s (interval 1 s); slowest tick; last tick ago", seconds),
        String.format(Locale.ROOT, "%.0f; %s; %.2f s", now.completed - before.completed, now.slowestSince(before), lag),
        String.format(Locale.ROOT, "%.0f-%.0f; < 1 s; < 2 s", Math.max(0, Math.floor(seconds) - 1), Math.ceil(seconds) + 1));
    row(phase, "daemon afterwards: threads, resident memory, open descriptors",
        String.format(Locale.ROOT, "%d, %.1f MiB, %d", daemon.threads(), daemon.residentKib() / 1024.0, daemon.descriptors()), "");
    return now;
  }

  /** The tick metrics at one moment. */
  private record Ticks(long readAt, double wallSeconds, double completed, double lastTick, List<double[]> buckets) {

    static Ticks read(ApiAbuseBench bench) throws IOException {
      OneRequest.Answer a = OneRequest.send(bench.daemon.unix(), OneRequest.get("/metrics"), ANSWER);
      if (a.status() != 200) {
        throw new IOException("/metrics answered " + a.status());
      }
      long at = System.nanoTime();
      double wall = System.currentTimeMillis() / 1000.0;
      double completed = 0;
      double last = 0;
      List<double[]> buckets = new ArrayList<>();
      Matcher m = SAMPLE.matcher(a.body());
      while (m.find()) {
        String name = m.group(1);
        String labels = m.group(2) == null ? "" : m.group(2);
        double value = Double.parseDouble(m.group(3));
        if (name.equals("carbon_governor_ticks_total") && labels.contains("completed")) {
          completed = value;
        } else if (name.equals("carbon_governor_last_tick_timestamp_seconds")) {
          last = value;
        } else if (name.equals("carbon_governor_tick_duration_seconds_bucket")) {
          String le = labels.replaceAll(".*le=\"([^\"]+)\".*", "$1");
          buckets.add(new double[] {le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value});
        }
      }
      return new Ticks(at, wall, completed, last, buckets);
    }

    /** The smallest bucket bound that holds every tick since {@code before}. */
    String slowestSince(Ticks before) {
      double total = buckets.get(buckets.size() - 1)[1] - before.buckets.get(before.buckets.size() - 1)[1];
      for (int i = 0; i < buckets.size(); i++) {
        if (buckets.get(i)[1] - before.buckets.get(i)[1] >= total) {
          return "<= " + buckets.get(i)[0] + " s";
        }
      }
      return "?";
    }
  }
}
