package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded and valid {@code governor.yaml} with its team files. Paths are absolute; {@code
 * sourceFile} is the config file as it was given; {@code siteApi} is empty when no site API is
 * served.
 */
public record GovernorConfig(
    String zone,
    Duration interval,
    Duration sampleEvery,
    Mode mode,
    Path stateDir,
    GpuConfig gpu,
    CarbonConfig carbon,
    Path teamsDir,
    PolicyConfig defaultPolicy,
    PolicyConfig failSafe,
    ApiConfig api,
    Optional<SiteApiConfig> siteApi,
    HistoryConfig history,
    Optional<FleetConfig> fleet,
    List<TeamConfig> teams,
    QueueConfig queue,
    Path sourceFile) {

  /** {@code enforce} sets power limits; {@code shadow} decides and records but never sets. */
  public enum Mode implements ConfigWord {
    ENFORCE,
    SHADOW
  }

  public GovernorConfig {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(sampleEvery, "sampleEvery");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(carbon, "carbon");
    Objects.requireNonNull(teamsDir, "teamsDir");
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    Objects.requireNonNull(failSafe, "failSafe");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(siteApi, "siteApi");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(fleet, "fleet");
    teams = List.copyOf(teams);
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(sourceFile, "sourceFile");
  }

  GovernorConfig withTeams(List<TeamConfig> newTeams) {
    return new GovernorConfig(
        zone,
        interval,
        sampleEvery,
        mode,
        stateDir,
        gpu,
        carbon,
        teamsDir,
        defaultPolicy,
        failSafe,
        api,
        siteApi,
        history,
        fleet,
        newTeams,
        queue,
        sourceFile);
  }
}
