package io.carbongovernor.daemon.api;

import com.sun.net.httpserver.HttpServer;
import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.config.ApiConfig;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.identity.IdentityException;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.jobs.BatchSizes;
import io.carbongovernor.daemon.jobs.JobException;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.gpu.Gpu;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local HTTP/JSON API on a loopback address. Callers of the job endpoints are identified by
 * the kernel: the uid that owns the connecting socket, from {@code /proc/net/tcp[6]}.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("api");
  private static final Pattern JOB_PATH = Pattern.compile("/v1/jobs/([A-Za-z0-9-]{1,64})/(progress|advice|finish)");

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
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
      PrometheusRegistry metrics) {}

  /**
   * Binds and starts the API.
   *
   * @throws IOException when the address cannot be bound (in use, not local)
   */
  public static ApiServer start(ApiConfig listen, Daemon daemon) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    Router router = new Router(daemon);
    server.createContext("/", http -> router.handle(new Exchange(http)));
    // The client library's handler: text, OpenMetrics or protobuf as the scraper asks, gzip.
    server.createContext("/metrics", new MetricsHandler(daemon.metrics()));
    server.start();
    log.atInfo().addKeyValue("listen", server.getAddress()).log("local API listening");
    return new ApiServer(server, executor);
  }

  /** The bound address (useful with port 0 in tests). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Dispatches one request; every failure becomes a JSON error with a 4xx or 500 status. */
  private static final class Router {
    private final Daemon daemon;
    private final JobsApi jobs;
    private final StatusApi status;

    Router(Daemon daemon) {
      this.daemon = daemon;
      this.jobs =
          new JobsApi(daemon.jobs(), daemon.batchSizes(), daemon.gpus(), daemon.lastTick(), daemon.clock());
      this.status = new StatusApi(daemon.config(), daemon.lastTick(), daemon.sources(), daemon.jobs());
    }

    void handle(Exchange ex) throws IOException {
      try (var http = ex.http()) {
        try {
          route(ex);
        } catch (ApiException e) {
          ex.sendError(e.status(), e.getMessage());
        } catch (JobException e) {
          ex.sendError(e.status(), e.getMessage());
        } catch (RuntimeException e) {
          log.atError().setCause(e).addKeyValue("path", ex.path()).log("API request failed");
          ex.sendError(500, "internal error; see the daemon's log");
        }
      }
    }

    private void route(Exchange ex) throws IOException {
      String path = ex.path();
      String method = ex.method();
      switch (path) {
        case "/v1/status" -> {
          allow(method, "GET");
          ex.send(200, status.status());
          return;
        }
        case "/v1/carbon" -> {
          allow(method, "GET");
          ex.send(200, status.carbon());
          return;
        }
        case "/v1/jobs" -> {
          allow(method, "POST");
          ex.send(201, jobs.register(caller(ex), ex.body()));
          return;
        }
        default -> {}
      }
      Matcher m = JOB_PATH.matcher(path);
      if (!m.matches()) {
        throw new ApiException(404, "no such endpoint: " + path);
      }
      String id = m.group(1);
      ObjectNode out =
          switch (m.group(2)) {
            case "progress" -> {
              allow(method, "POST");
              yield jobs.progress(caller(ex), id, ex.body());
            }
            case "advice" -> {
              allow(method, "GET");
              yield jobs.advice(caller(ex), id);
            }
            default -> {
              allow(method, "POST");
              yield jobs.finish(caller(ex), id, ex.body());
            }
          };
      ex.send(200, out);
    }

    private static void allow(String method, String allowed) {
      if (!allowed.equals(method)) {
        throw new ApiException(405, "method " + method + " not allowed here; use " + allowed);
      }
    }

    /** The uid that owns the caller's socket. */
    private long caller(Exchange ex) {
      OptionalLong uid;
      try {
        uid = daemon.proc().tcpPeerUid(ex.http().getRemoteAddress(), ex.http().getLocalAddress());
      } catch (IdentityException e) {
        throw new ApiException(403, "cannot identify the caller: " + e.getMessage());
      }
      if (uid.isEmpty()) {
        throw new ApiException(403, "cannot identify the caller: connect over loopback TCP from this host");
      }
      return uid.getAsLong();
    }
  }
}
