package io.carbongovernor.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL server for the tests: a cluster made by the distribution's {@code
 * initdb} under {@code target/}, on a free loopback port, with password (SCRAM) logins only, and
 * stopped when the JVM exits. One server per JVM; each test takes its own database and role.
 *
 * <p>PostgreSQL refuses to run as root, so as root the cluster belongs to {@code nobody} and its
 * programs run through {@code setpriv}. Tests that need it call {@link #shared()}, which fails
 * with what is missing (the build installs the {@code postgresql} package where it is absent).
 */
public final class PostgresServer {

  /** The superuser's name and password, for tests that create roles of their own. */
  public static final String ADMIN = "governor_admin";

  private static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final boolean asNobody;
  private Process postmaster;

  private PostgresServer(Path bin, Path dataDir, int port, boolean asNobody) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.asNobody = asNobody;
  }

  /** The JVM's server, started at the first call. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      try {
        shared = start(Path.of("target").toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting PostgreSQL", e);
      }
    }
    return shared;
  }

  /** The directory of PostgreSQL's programs: the newest of Debian's, or a {@code pg_ctl} on PATH. */
  public static Optional<Path> binaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest =
            versions
                .filter(p -> p.getFileName().toString().matches("\\d+"))
                .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                .map(p -> p.resolve("bin"))
                .filter(p -> Files.isExecutable(p.resolve("initdb")));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(d -> !d.isEmpty())
        .map(Path::of)
        .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
        .findFirst();
  }

  private static PostgresServer start(Path under) throws IOException, InterruptedException {
    Path bin =
        binaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL's initdb was not found under /usr/lib/postgresql/*/bin or on PATH;"
                            + " install the postgresql package (.ci/run does)"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Path base = Files.createDirectories(under.resolve("postgres"));
    Path dataDir = Files.createTempDirectory(base, "cluster-");
    Path pwfile = dataDir.resolveSibling(dataDir.getFileName() + ".pw");
    Files.writeString(pwfile, ADMIN_PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    if (root) {
      run(List.of("chown", "nobody:nogroup", dataDir.toString(), pwfile.toString()), false);
      // nobody must reach the data directory through every folder above it.
      for (Path p = dataDir.getParent(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException(p + " is not searchable by nobody, who runs the test PostgreSQL as root");
        }
      }
    }
    int port = freePort();
    PostgresServer server = new PostgresServer(bin, dataDir, port, root);
    server.exec(
        List.of(
            bin.resolve("initdb").toString(),
            "--pgdata=" + dataDir,
            "--username=" + ADMIN,
            "--pwfile=" + pwfile,
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync"),
        true);
    Files.deleteIfExists(pwfile);
    Files.writeString(
        dataDir.resolve("postgresql.auto.conf"),
        String.join(
            "\n",
            "listen_addresses = '127.0.0.1'",
            "port = " + port,
            "unix_socket_directories = ''",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 200",
            "shared_buffers = 64MB",
            "log_min_messages = warning",
            ""),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    server.postmaster =
        server.launch(
            List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString()),
            dataDir.resolveSibling(dataDir.getFileName() + ".log"));
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-stop"));
    server.awaitReady();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private List<String> asOwner(List<String> command) {
    if (!asNobody) {
      return command;
    }
    List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    all.addAll(command);
    return all;
  }

  private void exec(List<String> command, boolean owned) throws IOException, InterruptedException {
    run(owned ? asOwner(command) : command, true);
  }

  private static void run(List<String> command, boolean quiet) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  private Process launch(List<String> command, Path log) throws IOException {
    try { // the log is opened here, so PostgreSQL needs no right to it
      return new ProcessBuilder(asOwner(command))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** Connects until the server answers; PostgreSQL takes a second or two to start. */
  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!postmaster.isAlive()) {
        throw new IllegalStateException("PostgreSQL exited at start; see " + dataDir + ".log");
      }
      try (Connection c = admin("postgres")) {
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(100); // polling a process we started, not a timing under test
      }
    }
    throw new IllegalStateException("PostgreSQL did not accept connections within 60 s", last);
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** A JDBC URL of a database on this server, without credentials. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A connection as the superuser. */
  public Connection admin(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ADMIN);
    p.setProperty("password", ADMIN_PASSWORD);
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(url(database), p);
  }

  /**
   * A new, empty database owned by a new login role of the same name whose password is {@code
   * password}: what an admin makes for the fleet (the daemon migrates the schema at its start).
   */
  public Database createDatabase(String prefix, String password) {
    String name = (prefix + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid())
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    try (Connection c = admin("postgres");
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      st.execute("CREATE DATABASE " + name + " OWNER " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new Database(this, name, password);
  }

  /** A test's database: its URL, and the role that owns it with that role's password. */
  public record Database(PostgresServer server, String name, String password) {

    public String url() {
      return server.url(name);
    }

    public String user() {
      return name;
    }

    /** A connection as the owning role. */
    public Connection connect() throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", name);
      p.setProperty("password", password);
      return DriverManager.getConnection(url(), p);
    }

    /** A connection as the superuser, for what the owner may not do (stopping its sessions). */
    public Connection admin() throws SQLException {
      return server.admin(name);
    }
  }

  /**
   * Stops the server now (fast shutdown), as a database outage; {@link #restart()} brings it back
   * with its data.
   */
  public synchronized void stopForOutage() throws IOException, InterruptedException {
    exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), true);
    postmaster.waitFor(60, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port after {@link #stopForOutage()}. */
  public synchronized void restart() throws IOException, InterruptedException {
    postmaster =
        launch(
            List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString()),
            dataDir.resolveSibling(dataDir.getFileName() + ".log"));
    awaitReady();
  }

  private synchronized void stop() {
    if (postmaster != null && postmaster.isAlive()) {
      try {
        // SIGINT is PostgreSQL's fast shutdown: sessions ended, no waiting for clients.
        new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start().waitFor(10, TimeUnit.SECONDS);
        if (!postmaster.waitFor(10, TimeUnit.SECONDS)) {
          postmaster.destroyForcibly();
        }
      } catch (IOException e) {
        postmaster.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
