package io.carbongovernor.daemon.api;

import io.carbongovernor.daemon.jobs.JobException;
import io.carbongovernor.daemon.queue.QueueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one endpoint for a request whose path and method were already checked; every failure
 * becomes a JSON error with a 4xx or 500 status.
 */
final class Router {

  private static final Logger log = LoggerFactory.getLogger("api");

  private final JobsApi jobs;
  private final StatusApi status;
  private final MetricsApi metrics;
  private final QueueApi queue;

  Router(ApiServer.Daemon daemon) {
    this.jobs = new JobsApi(daemon.jobs(), daemon.batchSizes(), daemon.gpus(), daemon.lastTick(), daemon.clock());
    this.status = new StatusApi(daemon.config(), daemon.lastTick(), daemon.sources(), daemon.jobs(), daemon.queue());
    this.metrics = new MetricsApi(daemon.metrics());
    this.queue = new QueueApi(daemon.config(), daemon.queue());
  }

  Answer answer(Endpoint endpoint, Exchange ex) {
    try {
      return run(endpoint, ex);
    } catch (ApiException e) {
      return Answer.error(e.status(), e.getMessage());
    } catch (JobException e) {
      return Answer.error(e.status(), e.getMessage());
    } catch (QueueException e) {
      return Answer.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      log.atError().setCause(e).addKeyValue("path", ex.path()).log("API request failed");
      return Answer.error(500, "internal error; see the daemon's log");
    }
  }

  private Answer run(Endpoint endpoint, Exchange ex) {
    String id = endpoint.jobId();
    return switch (endpoint.kind()) {
      case STATUS -> Answer.json(200, status.status());
      case CARBON -> Answer.json(200, status.carbon());
      case METRICS -> metrics.scrape(ex.accept());
      case JOBS ->
          "POST".equals(ex.method())
              ? Answer.json(201, jobs.register(ex.caller(), ex.body()))
              : Answer.json(200, jobs.list(ex.caller()));
      case PROGRESS -> Answer.json(200, jobs.progress(ex.caller(), id, ex.body()));
      case ADVICE -> Answer.json(200, jobs.advice(ex.caller(), id));
      case FINISH -> Answer.json(200, jobs.finish(ex.caller(), id, ex.body()));
      case QUEUE ->
          "POST".equals(ex.method())
              ? Answer.json(201, queue.submit(ex.caller(), ex.body()))
              : Answer.json(200, queue.list(ex.caller()));
      case QUEUED_JOB ->
          "DELETE".equals(ex.method())
              ? Answer.json(200, queue.cancel(ex.caller(), id))
              : Answer.json(200, queue.get(ex.caller(), id));
    };
  }
}
