package io.carbongovernor.daemon.config;

import io.carbongovernor.common.Pem;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code site-api}: its address, its TLS files (checked to parse and match), its token. */
final class SiteApiConfigReader {

  static final Set<String> KEYS = keys();
  static final Set<String> TLS_KEYS = Set.of("cert-file", "key-file");

  /** A host name or an IP address (IPv6 comes without its brackets here). */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");

  private final LoadContext context;

  SiteApiConfigReader(LoadContext context) {
    this.context = context;
  }

  private static Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>(List.of("listen", "tls"));
    keys.addAll(SecretReader.keys("token"));
    return Collections.unmodifiableSet(keys);
  }

  Optional<SiteApiConfig> read(ConfigMap site) {
    site.allowOnly(KEYS);
    Optional<HostPort> listen = site.require("listen").flatMap(v -> v.parsed(SiteApiConfigReader::listen));
    Optional<SiteApiConfig.Tls> tls = site.get("tls").flatMap(ConfigValue::asMap).flatMap(this::tls);
    Optional<Secret> token = SecretReader.readIfGiven(site, "token", "site-api", context);
    boolean tokenGiven = SecretReader.keys("token").stream().anyMatch(site::has);
    return listen.map(l -> new SiteApiConfig(l.host(), l.port(), tls, token, tokenGiven));
  }

  static HostPort listen(String text) {
    HostPort address = HostPort.parse(text, "0.0.0.0:9465");
    if (!HOST.matcher(address.host()).matches()) {
      throw new IllegalArgumentException("expected a host name or an IP address, got '" + address.host() + "'");
    }
    return address;
  }

  private Optional<SiteApiConfig.Tls> tls(ConfigMap tls) {
    tls.allowOnly(TLS_KEYS);
    Optional<ConfigValue> certValue = tls.require("cert-file");
    Optional<ConfigValue> keyValue = tls.require("key-file");
    Optional<Path> cert = certValue.flatMap(ConfigValue::asPath);
    Optional<Path> key = keyValue.flatMap(ConfigValue::asPath);
    if (context.checkFiles()) {
      // Each file given is checked, also when the other is missing: every problem at once.
      Optional<List<X509Certificate>> chain =
          cert.flatMap(c -> PemFiles.certificates(certValue.get(), c, "certificate file"));
      Optional<PrivateKey> privateKey = key.flatMap(k -> PemFiles.privateKey(keyValue.get(), k, "key file"));
      if (chain.isEmpty() || privateKey.isEmpty()) {
        return Optional.empty();
      }
      try {
        Pem.requirePair(privateKey.get(), chain.get().get(0));
      } catch (IllegalArgumentException e) {
        keyValue.get().problem(e.getMessage() + " in " + cert.get());
        return Optional.empty();
      }
    }
    if (cert.isEmpty() || key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SiteApiConfig.Tls(cert.get(), key.get()));
  }
}
