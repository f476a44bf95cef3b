package io.carbongovernor.policy;

import java.util.List;

/** Static factories for the built-in policies. */
public final class Policies {

  private Policies() {}

  /** Every GPU at its original limit; also the fail-safe. */
  public static Policy fullSpeed() {
    return FullSpeedPolicy.INSTANCE;
  }

  /** A fixed cap regardless of the grid. */
  public static Policy staticCap(PowerCap cap) {
    return new StaticPolicy(cap);
  }

  /**
   * A step table from intensity to cap. Bounds must increase and only the last band is open.
   *
   * @throws IllegalArgumentException when the table is malformed
   */
  public static Policy bands(List<Band> bands) {
    return new BandsPolicy(bands);
  }
}
