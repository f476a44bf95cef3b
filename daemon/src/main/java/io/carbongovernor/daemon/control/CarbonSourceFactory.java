package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.ElectricityMapsOptions;
import io.carbongovernor.carbon.HttpEndpoint;
import io.carbongovernor.carbon.Retry;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.carbon.Timeouts;
import io.carbongovernor.carbon.TraceTiming;
import io.carbongovernor.common.Pem;
import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.config.SourceConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Builds the carbon source a config entry names, of any type. */
public final class CarbonSourceFactory {

  /** The per-call limit of an HTTP source without a {@code timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private CarbonSourceFactory() {}

  /**
   * The source itself, uncached (the daemon adds health, cache and fallback around it).
   *
   * @throws StartupException when it cannot be built (an unreadable trace, a missing secret)
   */
  public static CarbonSource create(SourceConfig config, Clock clock) {
    try {
      return switch (config.type()) {
        case TRACE -> trace(config, clock);
        case ELECTRICITYMAPS ->
            CarbonSources.electricityMaps(
                endpoint(config, CarbonSources.ELECTRICITY_MAPS_URL),
                secret(config, config.token(), "token"),
                electricityMapsOptions(config),
                clock);
        case WATTTIME ->
            CarbonSources.wattTime(
                endpoint(config, CarbonSources.WATTTIME_URL),
                config.username().orElseThrow(),
                secret(config, config.password(), "password"),
                clock);
        case UK -> CarbonSources.uk(endpoint(config, CarbonSources.UK_URL), config.region(), clock);
        case CARBON_AWARE_SDK ->
            CarbonSources.carbonAwareSdk(
                endpoint(config, config.baseUrl().orElseThrow()),
                config.kind().orElse(SourceConfig.IntensityKind.MARGINAL) == SourceConfig.IntensityKind.AVERAGE
                    ? SignalKind.AVERAGE
                    : SignalKind.MARGINAL,
                clock);
        case GOVERNOR ->
            CarbonSources.governor(
                endpoint(config, config.baseUrl().orElseThrow()),
                config.token().map(Secret::reveal),
                trusted(config),
                clock);
      };
    } catch (IllegalArgumentException e) {
      throw new StartupException("carbon source '" + config.name() + "': " + e.getMessage(), e);
    }
  }

  private static HttpEndpoint endpoint(SourceConfig config, URI fallback) {
    return new HttpEndpoint(
        config.name(),
        config.baseUrl().orElse(fallback),
        Timeouts.of(config.timeout().orElse(DEFAULT_TIMEOUT)),
        Retry.defaults());
  }

  private static String secret(SourceConfig config, Optional<Secret> secret, String what) {
    return secret
        .map(Secret::reveal)
        .orElseThrow(
            () -> new StartupException("carbon source '" + config.name() + "': no " + what + " loaded"));
  }

  /** The certificates of a {@code ca-file}, which the source then trusts alone. */
  private static List<X509Certificate> trusted(SourceConfig config) {
    if (config.caFile().isEmpty()) {
      return List.of();
    }
    try {
      return Pem.certificates(config.caFile().get());
    } catch (IOException e) {
      throw new StartupException("carbon source '" + config.name() + "': CA file " + e.getMessage(), e);
    }
  }

  private static ElectricityMapsOptions electricityMapsOptions(SourceConfig config) {
    Optional<ElectricityMapsOptions.Coordinates> at =
        config.latitude().isPresent() && config.longitude().isPresent()
            ? Optional.of(
                new ElectricityMapsOptions.Coordinates(config.latitude().get(), config.longitude().get()))
            : Optional.empty();
    return new ElectricityMapsOptions(
        config.apiVersion().orElse(SourceConfig.ApiVersion.V3) == SourceConfig.ApiVersion.V4
            ? ElectricityMapsOptions.Version.V4
            : ElectricityMapsOptions.Version.V3,
        config.emissionFactor().orElse(SourceConfig.EmissionFactor.DIRECT) == SourceConfig.EmissionFactor.LIFECYCLE
            ? ElectricityMapsOptions.EmissionFactor.LIFECYCLE
            : ElectricityMapsOptions.EmissionFactor.DIRECT,
        at);
  }

  private static CarbonSource trace(SourceConfig config, Clock clock) {
    Path file = config.file().orElseThrow();
    TraceTiming timing =
        config.timing().orElse(SourceConfig.Timing.YEAR_ALIGNED) == SourceConfig.Timing.ABSOLUTE
            ? TraceTiming.ABSOLUTE
            : TraceTiming.YEAR_ALIGNED;
    try {
      return CarbonSources.trace(CarbonTrace.read(file, config.traceColumn()), clock, timing, config.name());
    } catch (IOException e) {
      throw new StartupException("carbon source '" + config.name() + "': " + e.getMessage(), e);
    }
  }
}
