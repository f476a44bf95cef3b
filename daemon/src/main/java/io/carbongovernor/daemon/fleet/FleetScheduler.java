package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.control.QuartzWorkers;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's member of the fleet's scheduler: a Quartz scheduler on the clustered JDBC job store
 * in the fleet's PostgreSQL, so that each fleet job fires once for the fleet, on one node, and a
 * job whose node dies while running it (it stops checking in) is run again by another. Only the
 * fleet jobs run here; the node's own control loop never waits on this database.
 */
public final class FleetScheduler implements AutoCloseable {

  /** The scheduler's name, the same on every node: the cluster is the nodes that share it. */
  public static final String NAME = "carbon-governor-fleet";
  static final String GROUP = "fleet";
  /** Threads that run jobs: the three fleet jobs never need more than two at once. */
  static final int WORKERS = 2;

  private static final Logger log = LoggerFactory.getLogger("fleet");
  /** Quartz registers schedulers JVM-wide by name, and tests run several nodes in one JVM. */
  private static final Object REGISTRY = new Object();

  private final Scheduler scheduler;
  private final FleetConnections connections;
  private final List<FleetJob> jobs;
  private final FleetNode node;
  private final Duration retryEvery;
  private final FleetRunListener listener;
  private final Clock clock;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean up;
  private Thread starter;

  private FleetScheduler(Scheduler scheduler, FleetConnections connections, List<FleetJob> jobs, FleetNode node,
      Duration retryEvery, FleetRunListener listener, Clock clock) {
    this.scheduler = scheduler;
    this.connections = connections;
    this.jobs = List.copyOf(jobs);
    this.node = node;
    this.retryEvery = retryEvery;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * A scheduler for {@code jobs}, not yet started; nothing here touches the database.
   *
   * @param checkIn how often this node checks in; a node silent for longer (plus Quartz's grace of
   *     7.5 s) counts as dead
   */
  public static FleetScheduler create(String jdbcUrl, DatabaseLogin login, FleetNode node, Duration checkIn,
      List<FleetJob> jobs, FleetRunListener listener, Clock clock) {
    FleetConnections connections = new FleetConnections(jdbcUrl, login);
    DBConnectionManager.getInstance().addConnectionProvider(connections.name(), connections);
    Properties p = new Properties();
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, NAME);
    p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, node.instance());
    p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
    p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, QuartzWorkers.class.getName());
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(WORKERS));
    p.setProperty("org.quartz.threadPool.threadNamePrefix", NAME + "-worker");
    p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", connections.name());
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkIn.toMillis()));
    // Job data as text, never Java serialization read back from a database others write.
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    Scheduler scheduler;
    try {
      synchronized (REGISTRY) {
        scheduler = new StdSchedulerFactory(p).getScheduler();
        SchedulerRepository.getInstance().remove(NAME);
      }
      scheduler.setJobFactory((bundle, s) -> {
        // Only our job class runs, whatever class name a row in the database gives.
        if (bundle.getJobDetail().getJobClass() != FleetRun.class) {
          throw new SchedulerException("not a fleet job: " + bundle.getJobDetail().getKey());
        }
        return new FleetRun();
      });
      Map<String, FleetTask> tasks = new LinkedHashMap<>();
      jobs.forEach(j -> tasks.put(j.name(), j.task()));
      scheduler.getContext().put(FleetRun.RUNNER,
          new FleetRunner(tasks, new FleetAudit(connections), node, listener, clock));
    } catch (SchedulerException e) {
      connections.close();
      throw new IllegalStateException("cannot set up the fleet scheduler: " + e.getMessage(), e);
    }
    log.atInfo().addKeyValue("node", node.node()).addKeyValue("instance", node.instance())
        .addKeyValue("database", PostgresConnections.redacted(jdbcUrl))
        .addKeyValue("jobs", String.join(",", jobs.stream().map(FleetJob::name).toList()))
        .log("fleet scheduler set up");
    return new FleetScheduler(scheduler, connections, jobs, node, checkIn, listener, clock);
  }

  /**
   * Declares the jobs and starts the scheduler on a thread of its own, trying again every
   * check-in interval while the database does not answer: the daemon's start never waits on it.
   */
  public synchronized void startInBackground() {
    starter = new Thread(this::startWhenReachable, "carbon-governor-fleet-start");
    starter.setDaemon(true);
    starter.start();
  }

  private void startWhenReachable() {
    try {
      while (closing.getCount() > 0) {
        try {
          startNow();
          return;
        } catch (SQLException | SchedulerException | RuntimeException e) {
          log.atWarn().addKeyValue("error", e.getMessage()).addKeyValue("retry_in", retryEvery)
              .log("fleet scheduler cannot start yet; the node's own control goes on");
        }
        closing.await(retryEvery.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Brings the schema up to date, declares the jobs and starts, on the calling thread. */
  public void startNow() throws SQLException, SchedulerException {
    try (Connection c = connections.getConnection()) {
      Migrations.POSTGRESQL.migrate(c);
    }
    declare();
    synchronized (this) {
      if (closing.getCount() == 0) {
        return;
      }
      scheduler.start();
      up = true;
    }
    listener.schedulerUp(true);
    log.atInfo().addKeyValue("instance", node.instance()).log("fleet scheduler started");
  }

  /**
   * Makes the database's fleet jobs those of this node's configuration: a job declared as
   * configured stays as it is (its next fire time too), a changed one is replaced, and a job the
   * configuration no longer has is deleted.
   */
  private void declare() throws SchedulerException {
    Set<JobKey> wanted = new HashSet<>();
    for (FleetJob job : jobs) {
      JobKey key = JobKey.jobKey(job.name(), GROUP);
      TriggerKey triggerKey = TriggerKey.triggerKey(job.name(), GROUP);
      wanted.add(key);
      Trigger existing = scheduler.getTrigger(triggerKey);
      JobDetail detail = scheduler.getJobDetail(key);
      if (existing != null && detail != null && detail.getJobClass() == FleetRun.class && detail.requestsRecovery()
          && job.schedule().description().equals(existing.getDescription())) {
        continue;
      }
      JobDetail declared =
          JobBuilder.newJob(FleetRun.class).withIdentity(key).requestRecovery().storeDurably().build();
      scheduler.scheduleJob(declared, Set.of(job.schedule().trigger(triggerKey, key, clock.instant())), true);
      log.atInfo().addKeyValue("job", job.name()).addKeyValue("schedule", job.schedule().description())
          .log("fleet job declared");
    }
    for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
      if (!wanted.contains(key)) {
        scheduler.deleteJob(key);
        log.atInfo().addKeyValue("job", key.getName()).log("fleet job no longer configured; deleted");
      }
    }
  }

  /** Whether this node's scheduler has declared the jobs and runs. */
  public boolean isUp() {
    return up;
  }

  public FleetNode node() {
    return node;
  }

  /**
   * Stops as a node that dies would: no more check-ins, and a job it is running is left to the
   * other nodes to run again (tests of the cluster's recovery in one JVM).
   */
  void halt() {
    closing.countDown();
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      log.atWarn().addKeyValue("error", e.getMessage()).log("fleet scheduler did not halt cleanly");
    }
    up = false;
  }

  /** Stops taking fleet jobs and waits for one this node is running; another node goes on. */
  @Override
  public void close() {
    Thread start;
    synchronized (this) {
      if (closing.getCount() == 0) {
        return;
      }
      closing.countDown();
      start = starter;
    }
    try {
      if (start != null) {
        start.interrupt(); // a start still waiting for the database gives up
        start.join(TimeUnit.SECONDS.toMillis(60));
      }
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      log.atWarn().addKeyValue("error", e.getMessage()).log("fleet scheduler did not stop cleanly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      up = false;
      listener.schedulerUp(false);
      connections.close();
    }
  }
}
