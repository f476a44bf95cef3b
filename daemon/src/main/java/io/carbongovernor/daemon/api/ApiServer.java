package io.carbongovernor.daemon.api;

import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.config.ApiConfig;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.identity.PeerCredentials;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.jobs.BatchSizes;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.gpu.Gpu;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local HTTP/JSON API (jobs, status, {@code /metrics}), served alike on a Unix socket and on a
 * loopback TCP address. Callers of the job endpoints are identified by the kernel: the peer's
 * credentials on the socket, the owner of the connecting socket in {@code /proc/net/tcp[6]} on TCP.
 *
 * <p>Every local user may connect, so the limits assume a hostile one; each number says what a
 * caller can hold and for how long:
 *
 * <ul>
 *   <li>Connections cost no thread: Jetty reads them from one selector per listener, so a caller
 *       who sends a byte and stalls holds a connection and a small buffer, nothing a status or a
 *       scrape waits for. A connection silent for {@value #IDLE_TIMEOUT_S} s is closed (longer than
 *       Prometheus's default 15 s scrape interval, so a scraper keeps its connection).
 *   <li>At most {@value #MAX_CONNECTIONS} open connections per listener, a flood on one leaving
 *       the other free; at the cap the listener stops accepting (new callers wait in the kernel's
 *       backlog of up to {@value #ACCEPT_QUEUE}) and its connections time out after {@value
 *       #IDLE_TIMEOUT_AT_CAP_S} s of silence instead ({@link ShortIdleAtCap}), so that stalled ones
 *       make room within seconds (Jetty half-closes at the first timeout and closes at the next).
 *       1,000 idle connections cost a few MiB of the daemon's 128 MiB heap.
 *   <li>Request headers (the request line and so the URI included) at most {@value
 *       #MAX_HEADER_BYTES} bytes: the API's requests need a few hundred. Bodies at most {@link
 *       Exchange#MAX_BODY_BYTES}, read without holding a thread.
 *   <li>{@value #MAX_THREADS} threads: {@value #IO_THREADS} accept and select (one of each per
 *       listener), the rest run endpoints, of which at most {@value #MAX_CONCURRENT} at once (the
 *       machine's work is a JSON document or a scrape, a millisecond each); the spare threads keep
 *       refusals fast. Up to {@value #MAX_WAITING} requests wait for a turn, none longer than
 *       {@value #MAX_WAIT_MS} ms; the rest are answered 503 at once. The workers' task queue is
 *       bounded by the connection caps, as each connection has at most one request in it (Jetty
 *       warns against a queue that may refuse its own tasks).
 * </ul>
 *
 * <p>The control loop runs on its own scheduler, so none of this can delay a tick.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("api");

  static final int IDLE_TIMEOUT_S = 30;
  static final int IDLE_TIMEOUT_AT_CAP_S = 2;
  static final int MAX_CONNECTIONS = 1000;
  static final int ACCEPT_QUEUE = 4096;
  static final int MAX_HEADER_BYTES = 8 * 1024;
  static final int IO_THREADS = 4;
  static final int MAX_THREADS = 10;
  static final int MAX_CONCURRENT = 4;
  static final int MAX_WAITING = 64;
  static final int MAX_WAIT_MS = 2000;
  private static final int MIN_THREADS = 2;
  private static final long POOLED_BUFFER_BYTES = 2L * 1024 * 1024;

  private final Server server;
  private final ServerConnector tcp;
  private final Path socket;

  private ApiServer(Server server, ServerConnector tcp, Path socket) {
    this.server = server;
    this.tcp = tcp;
    this.socket = socket;
  }

  /** What the API reads from the running daemon. */
  public record Daemon(
      Supplier<GovernorConfig> config,
      Supplier<Optional<TickReport>> lastTick,
      Supplier<List<Gpu>> gpus,
      Supplier<List<SourceHealth>> sources,
      JobRegistry jobs,
      BatchSizes batchSizes,
      ProcFs proc,
      Clock clock,
      PrometheusRegistry metrics,
      QueueAccess queue) {}

  /**
   * Binds both listeners and starts the API.
   *
   * @throws IOException when a listener cannot be bound (address in use, socket directory
   *     unusable, a daemon already on the socket); the message names which
   */
  public static ApiServer start(ApiConfig config, Daemon daemon) throws IOException {
    Server server = server("api");
    ServerConnector tcp = new ServerConnector(server, 1, 1, http());
    tcp.setHost(config.host());
    tcp.setPort(config.port());
    tcp.setReuseAddress(true);
    UnixDomainServerConnector unix = new UnixDomainServerConnector(server, 1, 1, http());
    unix.setUnixDomainPath(config.socket());
    for (AbstractConnector c : List.of(tcp, unix)) {
      limit(c);
    }
    tcp.setAcceptQueueSize(ACCEPT_QUEUE);
    unix.setAcceptQueueSize(ACCEPT_QUEUE);
    server.addConnector(tcp);
    server.addConnector(unix);

    server.setHandler(
        new ApiHandler(qos(new Endpoints(new Router(daemon), new Callers(daemon.proc(), PeerCredentials.system())))));

    try {
      UnixSocketFile.prepare(config.socket());
    } catch (IOException e) {
      throw new IOException("cannot listen on " + config.socket() + ": " + e.getMessage(), e);
    }
    try {
      server.start();
      UnixSocketFile.openToAll(config.socket());
    } catch (Exception e) {
      stopQuietly(server);
      UnixSocketFile.remove(config.socket());
      throw new IOException(
          "cannot listen on " + config.host() + ":" + config.port() + " and " + config.socket() + ": " + reason(e), e);
    }
    ApiServer api = new ApiServer(server, tcp, config.socket());
    log.atInfo()
        .addKeyValue("listen", api.address())
        .addKeyValue("socket", config.socket())
        .log("local API listening");
    return api;
  }

  /**
   * A server with this API's threads, timers, buffers and JSON errors, for one more listener
   * ({@link SiteApiServer}) as for this one.
   */
  static Server server(String name) {
    QueuedThreadPool threads =
        new QueuedThreadPool(
            MAX_THREADS, MIN_THREADS, 60_000, 0, new BlockingArrayQueue<>(64, 64), null);
    threads.setName(name);
    threads.setDaemon(true);
    Server server =
        new Server(
            threads,
            new ScheduledExecutorScheduler(name + "-timer", true),
            new ArrayByteBufferPool(0, -1, -1, -1, POOLED_BUFFER_BYTES, POOLED_BUFFER_BYTES));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(0);
    return server;
  }

  /** The idle timeouts and the connection cap above, on one listener. */
  static void limit(AbstractConnector c) {
    c.setIdleTimeout(Duration.ofSeconds(IDLE_TIMEOUT_S).toMillis());
    long atCap = Duration.ofSeconds(IDLE_TIMEOUT_AT_CAP_S).toMillis();
    NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, c);
    limit.setEndPointIdleTimeout(atCap);
    c.addBean(limit);
    c.addBean(new ShortIdleAtCap(limit, atCap));
  }

  /** At most {@value #MAX_CONCURRENT} requests of {@code endpoints} at once, as above. */
  static QoSHandler qos(Handler endpoints) {
    QoSHandler qos = new QoSHandler(endpoints);
    qos.setMaxRequestCount(MAX_CONCURRENT);
    qos.setMaxSuspendedRequestCount(MAX_WAITING);
    qos.setMaxSuspend(Duration.ofMillis(MAX_WAIT_MS));
    return qos;
  }

  static HttpConnectionFactory http() {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setResponseHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Buffers on the heap, inside the daemon's capped heap rather than beside it.
    http.setUseInputDirectByteBuffers(false);
    http.setUseOutputDirectByteBuffers(false);
    return new HttpConnectionFactory(http);
  }

  /** Jetty's "Failed to bind to ..." with the system's reason behind it. */
  static String reason(Throwable e) {
    String reason = e.getMessage();
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      reason = reason + ": " + cause.getMessage();
    }
    return reason;
  }

  static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.atDebug().addKeyValue("cause", e.toString()).log("API stop after a failed start");
    }
  }

  /** The bound TCP address (useful with port 0 in tests). */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) tcp.getTransport()).getLocalAddress();
    } catch (IOException e) {
      return new InetSocketAddress(tcp.getHost(), tcp.getLocalPort());
    }
  }

  /** The Unix socket's path. */
  public Path socket() {
    return socket;
  }

  @Override
  public void close() {
    stopQuietly(server);
    UnixSocketFile.remove(socket);
  }
}
