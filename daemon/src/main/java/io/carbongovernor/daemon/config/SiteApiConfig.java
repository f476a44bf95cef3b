package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The site API: the current carbon signal and forecast, read-only, for the other daemons of a
 * site, on any address ({@code host} without brackets; empty or {@code 0.0.0.0} for all), with
 * TLS and a bearer token when given. {@code token} is empty when loaded with {@link
 * FileChecks#SKIP}; {@code tokenGiven} says whether the file names one all the same, so that a
 * listener started from such a config refuses to serve without it.
 */
public record SiteApiConfig(String host, int port, Optional<Tls> tls, Optional<Secret> token, boolean tokenGiven) {

  /** A PEM certificate (chain) and its unencrypted PKCS#8 private key. */
  public record Tls(Path certFile, Path keyFile) {
    public Tls {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
    }
  }

  public SiteApiConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(token, "token");
  }
}
