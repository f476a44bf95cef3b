package io.carbongovernor.daemon.api;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.queue.JobQueue;
import io.carbongovernor.daemon.queue.QueueException;
import io.carbongovernor.daemon.queue.QueueState;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/status} and {@code /v1/carbon}: what the daemon last saw and did. */
final class StatusApi {

  private final Supplier<GovernorConfig> config;
  private final Supplier<Optional<TickReport>> lastTick;
  private final Supplier<List<SourceHealth>> sources;
  private final JobRegistry jobs;
  private final QueueAccess queue;

  StatusApi(
      Supplier<GovernorConfig> config,
      Supplier<Optional<TickReport>> lastTick,
      Supplier<List<SourceHealth>> sources,
      JobRegistry jobs,
      QueueAccess queue) {
    this.config = config;
    this.lastTick = lastTick;
    this.sources = sources;
    this.jobs = jobs;
    this.queue = queue;
  }

  /**
   * The queue's jobs by state (every user's: the counts tell no one's commands) and its launcher;
   * null when the queue is off, the reason when it could not be opened.
   */
  private ObjectNode queue(GovernorConfig c) {
    if (queue instanceof QueueAccess.Off) {
      return null;
    }
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("enabled", c.queue().enabled());
    if (queue instanceof QueueAccess.Failed failed) {
      out.putNull("launcher");
      out.put("error", failed.reason());
      return out;
    }
    JobQueue q = ((QueueAccess.Open) queue).queue();
    out.put("launcher", q.launcherKind());
    Map<QueueState, Long> counts = new EnumMap<>(QueueState.class);
    try {
      q.list(0).forEach(j -> counts.merge(j.state(), 1L, Long::sum));
    } catch (QueueException e) {
      out.put("error", e.getMessage());
    }
    for (QueueState state : List.of(QueueState.QUEUED, QueueState.STARTING, QueueState.STARTED)) {
      out.put(state.word(), counts.getOrDefault(state, 0L));
    }
    return out;
  }

  ObjectNode status() {
    GovernorConfig c = config.get();
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("zone", c.zone());
    out.put("mode", c.mode().word());
    out.put("default_policy", c.defaultPolicy().kind());
    out.put("interval_s", c.interval().toSeconds());
    out.put("jobs", jobs.jobs().size());
    ObjectNode queued = queue(c);
    if (queued == null) {
      out.putNull("queue");
    } else {
      out.set("queue", queued);
    }
    ArrayNode health = out.putArray("sources");
    for (SourceHealth h : sources.get()) {
      ObjectNode n = health.addObject();
      n.put("source", h.source());
      n.put("healthy", h.healthy());
      n.put("consecutive_failures", h.consecutiveFailures());
      n.put("calls", h.calls());
      h.lastSuccess().ifPresent(t -> n.put("last_success", t.toString()));
      h.lastError().ifPresent(e -> n.put("last_error", e));
      h.lastLatency().ifPresent(d -> n.put("last_latency_ms", d.toMillis()));
    }
    Optional<TickReport> tick = lastTick.get();
    if (tick.isEmpty()) {
      out.putNull("last_tick");
      return out;
    }
    TickReport t = tick.get();
    out.put("last_tick", t.at().toString());
    putFailSafe(out, t);
    t.signal().ifPresentOrElse(s -> out.set("signal", signal(s)), () -> out.putNull("signal"));
    ArrayNode gpus = out.putArray("gpus");
    for (TickReport.GpuReport g : t.gpus()) {
      ObjectNode n = gpus.addObject();
      n.put("index", g.gpu().index());
      n.put("uuid", g.gpu().uuid());
      n.put("name", g.gpu().name());
      n.put("original_limit_w", g.originalLimit().watts());
      n.put("target_limit_w", g.target().watts());
      g.limitNow().ifPresent(l -> n.put("limit_w", l.watts()));
      n.put("outcome", g.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      n.put("policy", g.policy());
      ArrayNode teams = n.putArray("claimed_by");
      g.teams().forEach(teams::add);
      n.put("reason", g.reason());
    }
    return out;
  }

  ObjectNode carbon() {
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("zone", config.get().zone());
    Optional<TickReport> tick = lastTick.get();
    if (tick.isEmpty()) {
      out.putNull("signal");
      return out;
    }
    TickReport t = tick.get();
    t.signal().ifPresentOrElse(s -> out.set("signal", signal(s)), () -> out.putNull("signal"));
    ArrayNode forecast = out.putArray("forecast");
    t.forecast().forEach(s -> forecast.add(signal(s)));
    putFailSafe(out, t);
    out.put("as_of", t.at().toString());
    return out;
  }

  private static void putFailSafe(ObjectNode out, TickReport t) {
    if (t.failSafe().isPresent()) {
      out.put("fail_safe", t.failSafe().get());
    } else {
      out.putNull("fail_safe");
    }
  }

  private static ObjectNode signal(CarbonSignal s) {
    ObjectNode n = Exchange.JSON.createObjectNode();
    n.put("start", s.start().toString());
    n.put("end", s.end().toString());
    n.put("intensity_g_per_kwh", s.intensity().gramsPerKwh());
    n.put("kind", s.kind().word());
    n.put("source", s.source());
    n.put("estimated", s.estimated());
    return n;
  }
}
