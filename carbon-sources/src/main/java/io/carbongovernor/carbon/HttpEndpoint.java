package io.carbongovernor.carbon;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how an HTTP source calls its service.
 *
 * @param name the source's name, for logs, health and the {@code source} field of signals
 * @param baseUrl the service root, e.g. {@code https://api.electricitymaps.com}
 */
public record HttpEndpoint(String name, URI baseUrl, Timeouts timeouts, Retry retry) {

  public HttpEndpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("base URL must be http or https, got " + baseUrl);
    }
  }

  /** Default timeouts and retries. */
  public static HttpEndpoint of(String name, URI baseUrl) {
    return new HttpEndpoint(name, baseUrl, Timeouts.defaults(), Retry.defaults());
  }
}
