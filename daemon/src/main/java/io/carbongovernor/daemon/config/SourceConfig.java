package io.carbongovernor.daemon.config;

import io.carbongovernor.carbon.TraceColumn;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code carbon.sources}. Type-specific fields are present only for the type that uses
 * them (with their defaults filled in); {@code token} and {@code password} are empty when loaded
 * with {@link FileChecks#SKIP}. {@code token} is the API token of {@code electricitymaps} and the
 * optional bearer token of {@code governor}; {@code caFile} the certificates a {@code governor}
 * source trusts alone.
 */
public record SourceConfig(
    Type type,
    String name,
    Optional<URI> baseUrl,
    Optional<String> zone,
    Optional<Duration> timeout,
    Optional<Secret> token,
    Optional<ApiVersion> apiVersion,
    Optional<EmissionFactor> emissionFactor,
    Optional<Double> latitude,
    Optional<Double> longitude,
    Optional<String> username,
    Optional<Secret> password,
    Optional<String> region,
    Optional<IntensityKind> kind,
    Optional<Path> file,
    Optional<Timing> timing,
    Optional<Column> column,
    Optional<Path> caFile) {

  public enum Type implements ConfigWord {
    ELECTRICITYMAPS,
    WATTTIME,
    UK,
    CARBON_AWARE_SDK,
    GOVERNOR,
    TRACE
  }

  /** Electricity Maps API version. */
  public enum ApiVersion implements ConfigWord {
    V3,
    V4
  }

  /** Electricity Maps emission factor: direct (operational) or lifecycle. */
  public enum EmissionFactor implements ConfigWord {
    DIRECT,
    LIFECYCLE
  }

  /** What a Carbon Aware SDK relay's values are: its upstream's kind of intensity. */
  public enum IntensityKind implements ConfigWord {
    AVERAGE,
    MARGINAL
  }

  /** How a trace's timestamps map onto now: replayed at the same hour of its year, or as is. */
  public enum Timing implements ConfigWord {
    YEAR_ALIGNED,
    ABSOLUTE
  }

  /** Which intensity column of a trace file to read. */
  public enum Column implements ConfigWord {
    DIRECT,
    LIFECYCLE
  }

  public SourceConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(emissionFactor, "emissionFactor");
    Objects.requireNonNull(latitude, "latitude");
    Objects.requireNonNull(longitude, "longitude");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(caFile, "caFile");
  }

  /** The column a trace source reads: direct emissions unless {@code column: lifecycle}. */
  public TraceColumn traceColumn() {
    return column.orElse(Column.DIRECT) == Column.LIFECYCLE ? TraceColumn.LIFECYCLE : TraceColumn.DIRECT;
  }
}
