package io.carbongovernor.daemon.config;

import java.util.Locale;

/** An enum whose constants are written in config files as kebab-case words. */
public interface ConfigWord {

  String name();

  /** The word as written in YAML: {@code CARBON_AWARE_SDK} is {@code carbon-aware-sdk}. */
  default String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
