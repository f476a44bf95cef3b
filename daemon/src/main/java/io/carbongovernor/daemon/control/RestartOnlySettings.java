package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GovernorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings a reload cannot apply to a running daemon: they shape objects built at start
 * (schedule, sources, GPU backend, listener, database). Listed by their config keys.
 */
final class RestartOnlySettings {

  private RestartOnlySettings() {}

  private record Setting(String key, Function<GovernorConfig, Object> value) {}

  private static final List<Setting> SETTINGS =
      List.of(
          new Setting("zone", GovernorConfig::zone),
          new Setting("interval", GovernorConfig::interval),
          new Setting("sample-every", GovernorConfig::sampleEvery),
          new Setting("mode", GovernorConfig::mode),
          new Setting("state-dir", GovernorConfig::stateDir),
          new Setting("gpu", GovernorConfig::gpu),
          new Setting("carbon", c -> c.carbon().toString()),
          new Setting("api", GovernorConfig::api),
          new Setting("site-api", c -> c.siteApi().toString()),
          new Setting("history", GovernorConfig::history),
          new Setting("fleet", GovernorConfig::fleet),
          new Setting("queue.launcher", c -> c.queue().launcher()),
          new Setting("queue.check-every", c -> c.queue().checkEvery()));

  /** The keys whose values differ between the running and the reloaded configuration. */
  static List<String> changed(GovernorConfig running, GovernorConfig reloaded) {
    List<String> keys = new ArrayList<>();
    for (Setting s : SETTINGS) {
      if (!Objects.equals(s.value().apply(running), s.value().apply(reloaded))) {
        keys.add(s.key());
      }
    }
    return keys;
  }
}
