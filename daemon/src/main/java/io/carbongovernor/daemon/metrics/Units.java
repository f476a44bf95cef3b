package io.carbongovernor.daemon.metrics;

import io.prometheus.metrics.model.snapshots.Unit;

/** Units the client library does not name. */
final class Units {

  static final Unit WATTS = new Unit("watts");
  static final Unit GRAMS_PER_KWH = new Unit("grams_per_kwh");

  private Units() {}
}
