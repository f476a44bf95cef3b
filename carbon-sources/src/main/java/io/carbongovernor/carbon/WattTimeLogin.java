package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import okhttp3.Credentials;
import okhttp3.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * WattTime's {@code /login}: HTTP Basic in, a bearer token out that lasts 30 minutes. The token
 * is kept and renewed 5 minutes before it expires, or at once when a data call is refused with
 * it. Logins are capped locally well below WattTime's own limit of 100 per 5 minutes, so a
 * refusing service cannot make us hammer {@code /login}.
 */
final class WattTimeLogin {

  private static final Logger log = LoggerFactory.getLogger("carbon");

  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(30);
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
  static final Duration LOGIN_WINDOW = Duration.ofMinutes(5);
  /** Our cap per {@link #LOGIN_WINDOW}; WattTime allows 100. */
  static final int MAX_LOGINS_PER_WINDOW = 10;

  private final JsonHttp http;
  private final Headers basic;
  private final Clock clock;
  private final Deque<Instant> logins = new ArrayDeque<>();
  private String token;
  private Instant renewAt = Instant.MIN;

  WattTimeLogin(JsonHttp http, String username, String password, Clock clock) {
    this.http = http;
    this.basic = Headers.of("Authorization", Credentials.basic(username, password));
    this.clock = clock;
  }

  /** A token valid for a while yet, logging in when there is none. */
  synchronized String token() {
    Instant now = clock.instant();
    if (token != null && now.isBefore(renewAt)) {
      return token;
    }
    return login(now);
  }

  /** Drops {@code refused} (unless already replaced) and returns a fresh token. */
  synchronized String renew(String refused) {
    if (token != null && !token.equals(refused)) {
      return token;
    }
    token = null;
    return login(clock.instant());
  }

  private String login(Instant now) {
    while (!logins.isEmpty() && !logins.peekFirst().isAfter(now.minus(LOGIN_WINDOW))) {
      logins.removeFirst();
    }
    if (logins.size() >= MAX_LOGINS_PER_WINDOW) {
      Duration wait = Duration.between(now, logins.peekFirst().plus(LOGIN_WINDOW));
      throw new CarbonSourceException(
          Kind.RATE_LIMITED,
          http.source(),
          "login: " + logins.size() + " logins in the last " + LOGIN_WINDOW.toMinutes()
              + " minutes; not logging in again for " + wait.toSeconds() + " s",
          wait,
          null);
    }
    logins.addLast(now);
    JsonNode body;
    try {
      body =
          http.get(http.url().addPathSegment("login").build(), basic)
              .orElseThrow(() -> new CarbonSourceException(Kind.AUTH, http.source(), "login: no content"));
    } catch (CarbonSourceException e) {
      if (e.kind() == Kind.AUTH || e.kind() == Kind.NOT_FOUND) {
        throw new CarbonSourceException(
            Kind.AUTH,
            http.source(),
            "login refused; check the username and password (" + e.getMessage() + ")",
            null,
            null);
      }
      throw e;
    }
    JsonNode t = body.get("token");
    if (t == null || !t.isString() || t.asString().isBlank()) {
      throw new CarbonSourceException(Kind.BAD_RESPONSE, http.source(), "login: no token in the answer");
    }
    token = t.asString();
    http.redactToken(token);
    renewAt = now.plus(TOKEN_LIFETIME).minus(RENEW_BEFORE_EXPIRY);
    log.atDebug().addKeyValue("source", http.source()).addKeyValue("renew_at", renewAt).log("logged in");
    return token;
  }
}
