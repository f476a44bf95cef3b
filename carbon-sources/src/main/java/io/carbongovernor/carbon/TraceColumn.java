package io.carbongovernor.carbon;

import java.util.Locale;

/**
 * Which intensity column of an Electricity Maps export a trace reads. Plain {@code time,value}
 * files have one value column and ignore this choice.
 */
public enum TraceColumn {
  /** {@code Carbon Intensity gCO₂eq/kWh (direct)}: emissions at the stack, the default. */
  DIRECT("direct"),
  /**
   * {@code Carbon Intensity gCO₂eq/kWh (LCA)}: life-cycle emissions, including construction and
   * fuel supply.
   */
  LIFECYCLE("lca");

  private final String headerSuffix;

  TraceColumn(String headerSuffix) {
    this.headerSuffix = headerSuffix;
  }

  /** The lower-case word used in config: {@code direct} or {@code lifecycle}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config word; {@code lca}, the export's own name, also means {@link #LIFECYCLE}. */
  public static TraceColumn fromWord(String word) {
    String w = word.strip().toLowerCase(Locale.ROOT);
    for (TraceColumn c : values()) {
      if (c.word().equals(w) || c.headerSuffix.equals(w)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown trace column '" + word + "': expected direct or lifecycle");
  }

  /** The column's header in an Electricity Maps export, normalised as the parser compares it. */
  String normalizedHeader() {
    return "carbon intensity gco2eq/kwh (" + headerSuffix + ")";
  }
}
