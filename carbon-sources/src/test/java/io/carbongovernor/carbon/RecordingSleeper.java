package io.carbongovernor.carbon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Sleeper} that records each backoff and returns at once. */
final class RecordingSleeper implements Sleeper {

  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
  }

  Duration total() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
