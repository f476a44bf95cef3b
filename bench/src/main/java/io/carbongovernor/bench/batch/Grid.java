package io.carbongovernor.bench.batch;

import io.carbongovernor.carbon.CarbonTrace;
import java.util.List;

/** The grid's intensity over a run: constant, or an hourly trace replayed from a start hour. */
interface Grid {

  /** Hours a run may start at. */
  int hours();

  /** g/kWh at {@code seconds} after the start of hour {@code startHour}. */
  double intensityAt(int startHour, double seconds);

  String describe();

  static Grid constant(double gramsPerKwh) {
    return new Grid() {
      @Override
      public int hours() {
        return 1;
      }

      @Override
      public double intensityAt(int startHour, double seconds) {
        return gramsPerKwh;
      }

      @Override
      public String describe() {
        return String.format(java.util.Locale.ROOT, "constant %.1f gCO2eq/kWh", gramsPerKwh);
      }
    };
  }

  /** The trace's hours in order; a run past the last hour wraps to the first. */
  static Grid hourly(CarbonTrace trace, String name) {
    List<CarbonTrace.Slot> slots = trace.slots();
    double[] values = new double[slots.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = slots.get(i).intensity().gramsPerKwh();
    }
    return new Grid() {
      @Override
      public int hours() {
        return values.length;
      }

      @Override
      public double intensityAt(int startHour, double seconds) {
        long hour = startHour + (long) Math.floor(seconds / 3600.0);
        return values[(int) Math.floorMod(hour, (long) values.length)];
      }

      @Override
      public String describe() {
        return name + " (" + values.length + " hourly values, a random start hour per recurrence)";
      }
    };
  }
}
