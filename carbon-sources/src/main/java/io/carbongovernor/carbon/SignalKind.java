package io.carbongovernor.carbon;

/** Whether an intensity describes the whole grid mix or the marginal generator. */
public enum SignalKind {
  AVERAGE,
  MARGINAL;

  /** The lower-case word used in config, logs and reports. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
