package io.carbongovernor.carbon;

/** A source that keeps its {@link SourceHealth}; see {@link CarbonSources#tracked}. */
public interface TrackedCarbonSource extends CarbonSource {

  /** The health as of the last completed call. */
  SourceHealth health();
}
