package io.carbongovernor.daemon.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobKey;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/**
 * When a fleet job fires. Every node builds the same trigger from the same configuration, so a
 * node that starts and declares it again changes nothing; a fleet that was down fires a missed
 * job once at most, never a burst.
 */
public sealed interface FleetSchedule {

  /** How the trigger reads in the database: equal descriptions mean equal schedules. */
  String description();

  Trigger trigger(TriggerKey key, JobKey job, Instant now);

  /**
   * Every {@code interval}, at multiples of it since the epoch (a 5 minute job at :00, :05, ...),
   * so that nodes declaring it at different moments agree on its fire times. A missed firing is
   * skipped: the next one is at most one interval away.
   */
  record Every(Duration interval) implements FleetSchedule {

    public Every {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("interval must be positive, got " + interval);
      }
    }

    @Override
    public String description() {
      return "every " + interval.toMillis() + "ms";
    }

    @Override
    public Trigger trigger(TriggerKey key, JobKey job, Instant now) {
      long step = interval.toMillis();
      long next = Math.floorDiv(now.toEpochMilli(), step) * step + step;
      return TriggerBuilder.newTrigger()
          .withIdentity(key)
          .withDescription(description())
          .forJob(job)
          .startAt(new Date(next))
          .withSchedule(
              SimpleScheduleBuilder.simpleSchedule()
                  .withIntervalInMilliseconds(step)
                  .repeatForever()
                  .withMisfireHandlingInstructionNextWithRemainingCount())
          .build();
    }
  }

  /**
   * At the times of a Quartz cron expression, in UTC. A missed firing runs once when the fleet is
   * back, then the expression's times follow.
   */
  record Cron(String expression) implements FleetSchedule {

    public Cron {
      Objects.requireNonNull(expression, "expression");
    }

    @Override
    public String description() {
      return "cron " + expression + " UTC";
    }

    @Override
    public Trigger trigger(TriggerKey key, JobKey job, Instant now) {
      return TriggerBuilder.newTrigger()
          .withIdentity(key)
          .withDescription(description())
          .forJob(job)
          .startAt(Date.from(now))
          .withSchedule(
              CronScheduleBuilder.cronSchedule(expression)
                  .inTimeZone(TimeZone.getTimeZone("UTC"))
                  .withMisfireHandlingInstructionFireAndProceed())
          .build();
    }
  }
}
