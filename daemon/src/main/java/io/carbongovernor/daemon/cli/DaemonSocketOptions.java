package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ApiConfig;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.InvalidConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the daemon's Unix socket is: {@code --socket}, else the api.socket of {@code --config}, else the default. */
final class DaemonSocketOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "governor.yaml, to find the daemon's socket (default: /run/carbon-governor/api.sock)")
  Path config;

  @Option(names = "--socket", paramLabel = "PATH", description = "the daemon's Unix socket; overrides --config")
  Path socket;

  /**
   * @throws InvalidConfigException when --config names an invalid file
   */
  Path socket() throws InvalidConfigException {
    if (socket != null) {
      return socket;
    }
    if (config != null) {
      return ConfigLoader.load(config, FileChecks.SKIP).api().socket();
    }
    return ApiConfig.DEFAULT_SOCKET;
  }
}
