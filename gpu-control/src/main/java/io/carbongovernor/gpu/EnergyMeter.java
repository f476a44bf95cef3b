package io.carbongovernor.gpu;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns successive readings of each GPU into the energy drawn between them. Where the GPU has an
 * energy counter the delta comes from it, and a lower reading than the last one (the driver
 * reloaded or the GPU was reset) counts from zero; where it has none, power is integrated over
 * the time between readings (trapezoids). Readings carry their own time, so the meter reads no
 * clock. Thread-safe.
 */
public final class EnergyMeter {

  private static final Logger log = LoggerFactory.getLogger("energy");

  private record Last(Instant at, Optional<Energy> counter, Power power, Energy total) {}

  private final Map<String, Last> last = new HashMap<>();

  private EnergyMeter() {}

  public static EnergyMeter create() {
    return new EnergyMeter();
  }

  /** Records one sample of the GPU taken at {@code at}. */
  public EnergyReading record(Gpu gpu, Instant at, GpuSample sample) {
    return record(gpu.uuid(), at, sample.energy(), sample.power());
  }

  /**
   * Records one reading of the GPU with UUID {@code uuid}.
   *
   * @param counter the energy counter, empty where the GPU has none
   * @param power the power at {@code at}
   */
  public synchronized EnergyReading record(String uuid, Instant at, Optional<Energy> counter, Power power) {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(power, "power");
    Last previous = last.get(uuid);
    if (previous == null) {
      last.put(uuid, new Last(at, counter, power, Energy.ZERO));
      return new EnergyReading(Energy.ZERO, Energy.ZERO, EnergyReading.Source.FIRST, Duration.ZERO);
    }
    Duration interval = Duration.between(previous.at(), at);
    Energy delta;
    EnergyReading.Source source;
    if (interval.isNegative()) {
      // A reading older than the last one adds nothing; the later one stays the reference.
      return new EnergyReading(Energy.ZERO, previous.total(), EnergyReading.Source.OUT_OF_ORDER, interval);
    }
    if (counter.isPresent() && previous.counter().isPresent()) {
      long now = counter.get().millijoules();
      long before = previous.counter().get().millijoules();
      if (now >= before) {
        delta = Energy.ofMillijoules(now - before);
        source = EnergyReading.Source.COUNTER;
      } else {
        delta = counter.get();
        source = EnergyReading.Source.COUNTER_RESET;
        log.atInfo().addKeyValue("uuid", uuid).addKeyValue("before_mj", before).addKeyValue("now_mj", now)
            .log("energy counter went back (driver reload or GPU reset); counting from zero");
      }
    } else {
      double seconds = interval.toNanos() / 1e9;
      delta = Power.ofMilliwatts((previous.power().milliwatts() + power.milliwatts()) / 2).over(seconds);
      source = EnergyReading.Source.INTEGRATED;
    }
    Energy total = previous.total().plus(delta);
    last.put(uuid, new Last(at, counter, power, total));
    return new EnergyReading(delta, total, source, interval);
  }

  /** Forgets a GPU, e.g. one that left the node; its next reading starts afresh. */
  public synchronized void forget(String uuid) {
    last.remove(uuid);
  }
}
