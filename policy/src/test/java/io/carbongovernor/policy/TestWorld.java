package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made GPUs, profiles and slots whose arithmetic fits on paper. */
public final class TestWorld {

  public static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
  public static final Gpu GPU =
      new Gpu(0, "GPU-test", "test", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));

  /**
   * 100 W: 0.5 epoch/s at 100 W drawn; 200 W: 0.8 epoch/s at 150 W; 300 W: 1 epoch/s at 200 W. Energy
   * per epoch 200, 187.5 and 200 J.
   */
  public static final PowerProfile PROFILE =
      PowerProfile.of(
          "test",
          List.of(
              point(100, 2.0, 100),
              point(200, 1.25, 150),
              point(300, 1.0, 200)));

  public static final GpuState STATE =
      new GpuState(GPU, Power.ofWatts(300), Power.ofWatts(300)).withProfile(PROFILE);

  private TestWorld() {}

  public static PowerProfile.Point point(double limit, double epochSeconds, double watts) {
    return new PowerProfile.Point(
        Power.ofWatts(limit), Duration.ofNanos(Math.round(epochSeconds * 1e9)), Power.ofWatts(watts));
  }

  public static CarbonSignal slot(Instant start, double gramsPerKwh) {
    return new CarbonSignal(
        "test", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(gramsPerKwh), SignalKind.AVERAGE, "test", false);
  }

  /** Consecutive hourly slots from {@code start}. */
  public static List<CarbonSignal> hours(Instant start, double... values) {
    List<CarbonSignal> slots = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      slots.add(slot(start.plusSeconds(3600L * i), values[i]));
    }
    return slots;
  }
}
