package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * Another Carbon Governor daemon's site API ({@link SiteCarbonDocument}): one daemon of a site
 * asks the paid API, the others read what it last decided on. The signals keep the provider's
 * zone, slot, kind and estimated flag, so their age is the provider's; their source reads {@code
 * <provider> via <this source>}. The relay keeps no history.
 */
final class GovernorProvider implements Provider {

  private final JsonHttp http;
  private final JsonFields json;
  private final Headers auth;

  /**
   * @param token the site API's bearer token, if it wants one; it never appears in a log line or
   *     an exception message
   * @param trusted the certificates TLS trusts alone (a site's private CA); empty: the JDK's
   */
  GovernorProvider(HttpEndpoint endpoint, Optional<String> token, List<X509Certificate> trusted, Clock clock) {
    if (token.isPresent() && token.get().isBlank()) {
      throw new IllegalArgumentException("governor: a bearer token must not be blank");
    }
    this.http = new JsonHttp(endpoint, new Redactor(token.stream().toList()), clock, trusted);
    this.json = new JsonFields(endpoint.name());
    this.auth = token.map(t -> Headers.of("Authorization", "Bearer " + t)).orElse(Headers.of());
  }

  @Override
  public String name() {
    return http.source();
  }

  private SiteCarbonDocument.Relayed fetch(String zone) {
    HttpUrl url = http.url().addPathSegments(SiteCarbonDocument.PATH.substring(1)).build();
    JsonNode body =
        http.get(url, auth).orElseThrow(() -> new CarbonSourceException(Kind.UNAVAILABLE, name(), "no content"));
    return SiteCarbonDocument.read(body, zone, name(), json);
  }

  @Override
  public CarbonSignal latest(String zone) {
    return fetch(zone)
        .signal()
        .orElseThrow(
            () -> new CarbonSourceException(
                Kind.UNAVAILABLE, name(),
                "the relay has no current signal (its daemon has not ticked yet, or is in its fail-safe)"));
  }

  @Override
  public List<CarbonSignal> forecastFromNow(String zone, Duration horizon) {
    return fetch(zone).forecast();
  }

  /** A relay serves the present alone; the sources after it in the list serve the past. */
  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    throw new CarbonSourceException(Kind.UNAVAILABLE, name(), "a site relay serves no history");
  }

  @Override
  public String toString() {
    return "GovernorProvider[" + name() + "]";
  }
}
