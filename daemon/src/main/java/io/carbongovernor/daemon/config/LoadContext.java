package io.carbongovernor.daemon.config;

import java.util.Map;

/**
 * What readers need from outside the files: whether to check referenced files, and the environment.
 */
record LoadContext(FileChecks checks, Map<String, String> env) {
  LoadContext {
    env = Map.copyOf(env);
  }

  boolean checkFiles() {
    return checks == FileChecks.CHECK;
  }

  /** Whether the secrets of {@code owner} (a source, or "history") are read. */
  boolean readsSecretsOf(String owner) {
    return checkFiles() || (checks == FileChecks.HISTORY_LOGIN && owner.equals(HISTORY));
  }

  /** The owner of the history's password. */
  static final String HISTORY = "history";
}
