package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceColumn;
import io.carbongovernor.carbon.TraceTiming;
import io.carbongovernor.daemon.config.SourceConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** Builds the carbon sources a config names. */
final class CarbonSourceFactory {

  private CarbonSourceFactory() {}

  /**
   * @throws StartupException when a source cannot be built (an unreadable trace, a type whose
   *     client this build lacks)
   */
  static CarbonSource create(SourceConfig config, Clock clock) {
    if (config.type() != SourceConfig.Type.TRACE) {
      throw new StartupException(
          "carbon source '"
              + config.name()
              + "': type "
              + config.type().word()
              + " is validated but has no client in this build; use type: trace");
    }
    Path file = config.file().orElseThrow();
    TraceColumn column =
        config.column().orElse(SourceConfig.Column.DIRECT) == SourceConfig.Column.LIFECYCLE
            ? TraceColumn.LIFECYCLE
            : TraceColumn.DIRECT;
    TraceTiming timing =
        config.timing().orElse(SourceConfig.Timing.YEAR_ALIGNED) == SourceConfig.Timing.ABSOLUTE
            ? TraceTiming.ABSOLUTE
            : TraceTiming.YEAR_ALIGNED;
    try {
      return CarbonSources.trace(CarbonTrace.read(file, column), clock, timing, config.name());
    } catch (IOException e) {
      throw new StartupException("carbon source '" + config.name() + "': " + e.getMessage(), e);
    }
  }
}
