package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GETs JSON from one service with the endpoint's timeouts and retry policy, and turns every
 * failure into a {@link CarbonSourceException} whose message names the source and what went wrong,
 * never a secret.
 */
final class JsonHttp {

  /** The largest answer read; the largest a provider sends (a month of 5-minute history) is about 1 MiB. */
  static final long MAX_BODY_BYTES = 4L << 20;

  private static final Logger log = LoggerFactory.getLogger("carbon");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern HTML_TITLE =
      Pattern.compile("<title>\\s*([^<]{1,80}?)\\s*</title>", Pattern.CASE_INSENSITIVE);
  private static final int EXCERPT = 160;
  private static final Pattern DELTA_SECONDS = Pattern.compile("\\d+");

  private final HttpEndpoint endpoint;
  private final OkHttpClient client;
  private final Redactor configured;
  private final Clock clock;
  private volatile Redactor redactor;
  private volatile String lastToken;

  /** @param clock the time a Retry-After date is measured from */
  JsonHttp(HttpEndpoint endpoint, Redactor redactor, Clock clock) {
    this(endpoint, redactor, clock, List.of());
  }

  /** @param trusted the certificates TLS trusts alone; empty: the JDK's default trust */
  JsonHttp(HttpEndpoint endpoint, Redactor redactor, Clock clock, List<X509Certificate> trusted) {
    this.endpoint = endpoint;
    this.client = SharedHttpClient.with(endpoint.timeouts(), trusted);
    this.configured = redactor;
    this.redactor = redactor;
    this.clock = clock;
  }

  String source() {
    return endpoint.name();
  }

  /**
   * Also masks {@code token} from now on (one obtained at run time), and the one before it, which
   * a call still in flight may carry; older tokens have expired.
   */
  synchronized void redactToken(String token) {
    Redactor r = configured.and(token);
    redactor = lastToken == null ? r : r.and(lastToken);
    lastToken = token;
  }

  /** The base URL as a builder to add path segments and query parameters to. */
  HttpUrl.Builder url() {
    HttpUrl base = HttpUrl.get(endpoint.baseUrl().toString());
    return base.newBuilder();
  }

  /**
   * GETs {@code url} with {@code headers}, retrying as the endpoint's {@link Retry} says.
   *
   * @return the parsed body, or empty for 204 No Content
   */
  Optional<JsonNode> get(HttpUrl url, Headers headers) {
    Retry retry = endpoint.retry();
    for (int attempt = 1; ; attempt++) {
      Attempt result = once(url, headers);
      if (result.failure() == null) {
        return result.body();
      }
      CarbonSourceException failure = result.failure();
      if (!result.retryable() || attempt >= retry.maxAttempts()) {
        throw failure;
      }
      Duration wait = result.pause() != null ? result.pause() : retry.backoff(attempt);
      log.atDebug()
          .addKeyValue("source", endpoint.name())
          .addKeyValue("attempt", attempt)
          .addKeyValue("wait_ms", wait.toMillis())
          .addKeyValue("error", failure.getMessage())
          .log("retrying carbon source call");
      try {
        retry.sleeper().sleep(wait);
      } catch (InterruptedIOException e) {
        failure.addSuppressed(e);
        throw failure;
      }
    }
  }

  /**
   * One call: a body, or a failure, whether it may be retried, and the wait the service asked
   * for (null: the policy's backoff).
   */
  private record Attempt(
      Optional<JsonNode> body, CarbonSourceException failure, boolean retryable, Duration pause) {

    static Attempt ok(Optional<JsonNode> body) {
      return new Attempt(body, null, false, null);
    }

    static Attempt fatal(CarbonSourceException failure) {
      return new Attempt(Optional.empty(), failure, false, null);
    }

    static Attempt retry(CarbonSourceException failure, Duration wait) {
      return new Attempt(Optional.empty(), failure, true, wait);
    }
  }

  private Attempt once(HttpUrl url, Headers headers) {
    Request request =
        new Request.Builder()
            .url(url)
            .headers(headers)
            .header("Accept", "application/json")
            .header("User-Agent", "carbon-governor")
            .get()
            .build();
    String what = "GET " + url.encodedPath();
    try (Response response = client.newCall(request).execute()) {
      int code = response.code();
      ResponseBody body = response.body();
      Optional<String> bounded = readBounded(body);
      if (bounded.isEmpty()) {
        // A provider, or whoever answers in its place, must not make the daemon buffer without end.
        return Attempt.fatal(fail(Kind.BAD_RESPONSE,
            what + ": HTTP " + code + " body larger than " + (MAX_BODY_BYTES >> 20) + " MiB", null, null));
      }
      String text = bounded.get();
      if (code == 204) {
        return Attempt.ok(Optional.empty());
      }
      if (code >= 200 && code < 300) {
        return parse(what, text);
      }
      return failure(what, code, text, response.header("Retry-After"));
    } catch (IOException e) {
      CarbonSourceException failure =
          fail(Kind.UNAVAILABLE, what + ": " + describe(e), null, e);
      return Attempt.retry(failure, null);
    }
  }

  /** The body as text, or empty when it holds more than {@link #MAX_BODY_BYTES}. */
  private static Optional<String> readBounded(ResponseBody body) throws IOException {
    BufferedSource source = body.source();
    if (source.request(MAX_BODY_BYTES + 1)) {
      return Optional.empty();
    }
    MediaType type = body.contentType();
    Charset charset = type == null ? null : type.charset();
    return Optional.of(source.readString(charset == null ? StandardCharsets.UTF_8 : charset));
  }

  private Attempt parse(String what, String text) {
    if (text.isBlank()) {
      return Attempt.fatal(fail(Kind.BAD_RESPONSE, what + ": empty body", null, null));
    }
    try {
      return Attempt.ok(Optional.of(JSON.readTree(text)));
    } catch (JacksonException e) {
      return Attempt.fatal(
          fail(Kind.BAD_RESPONSE, what + ": malformed JSON (" + excerpt(text) + ")", null, null));
    }
  }

  private Attempt failure(String what, int code, String text, String retryAfterHeader) {
    String message = what + ": HTTP " + code + " " + summary(text);
    Retry retry = endpoint.retry();
    if (code == 429) {
      Duration after = retryAfter(retryAfterHeader, clock.instant()).orElse(null);
      CarbonSourceException e = fail(Kind.RATE_LIMITED, message, after, null);
      boolean wait = after != null && after.compareTo(retry.maxRetryAfter()) <= 0;
      return wait ? Attempt.retry(e, after) : Attempt.fatal(e);
    }
    if (code == 401 || code == 403) {
      return Attempt.fatal(fail(Kind.AUTH, message, null, null));
    }
    if (code == 400 || code == 404 || code == 422) {
      return Attempt.fatal(fail(Kind.NOT_FOUND, message, null, null));
    }
    if (code >= 500 && code != 501) {
      return Attempt.retry(fail(Kind.UNAVAILABLE, message, null, null), null);
    }
    Kind kind = code == 501 ? Kind.UNAVAILABLE : Kind.BAD_RESPONSE;
    return Attempt.fatal(fail(kind, message, null, null));
  }

  private CarbonSourceException fail(Kind kind, String message, Duration retryAfter, Throwable cause) {
    return new CarbonSourceException(
        kind, endpoint.name(), redactor.apply(message), retryAfter, scrub(cause));
  }

  /** Keeps the cause's type for diagnosis; its message is redacted as well. */
  private Throwable scrub(Throwable cause) {
    if (cause == null) {
      return null;
    }
    IOException copy = new IOException(cause.getClass().getName() + ": " + redactor.apply(cause.getMessage()));
    copy.setStackTrace(cause.getStackTrace());
    return copy;
  }

  private String describe(IOException e) {
    if (e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).contains("connect")) {
      return "connect timed out after " + endpoint.timeouts().connect().toMillis() + " ms";
    }
    if (e instanceof SocketTimeoutException) {
      return "read timed out (no data for " + endpoint.timeouts().read().toMillis() + " ms)";
    }
    if (e instanceof InterruptedIOException && !Thread.currentThread().isInterrupted()) {
      return "call timed out after " + endpoint.timeouts().call().toMillis() + " ms";
    }
    if (e instanceof InterruptedIOException) {
      return "interrupted";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof ConnectException) {
      return "cannot connect (" + e.getMessage() + ")";
    }
    return "connection failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
  }

  /** What an error body says: its JSON error text, an HTML page's title, or an excerpt. */
  static String summary(String body) {
    String text = body == null ? "" : body.strip();
    if (text.isEmpty()) {
      return "(empty body)";
    }
    if (text.startsWith("{")) {
      try {
        JsonNode json = JSON.readTree(text);
        StringBuilder out = new StringBuilder();
        for (String key : new String[] {"error", "message", "msg", "title", "detail"}) {
          JsonNode v = json.get(key);
          if (v == null || v.isNull()) {
            continue;
          }
          String s = v.isObject() ? joinObject(v) : v.asString();
          if (!s.isBlank()) {
            out.append(out.length() == 0 ? "" : ": ").append(s.strip());
          }
        }
        if (out.length() > 0) {
          return "(" + clip(out.toString()) + ")";
        }
      } catch (JacksonException e) {
        // Not JSON after all: fall through to the excerpt.
      }
    }
    Matcher title = HTML_TITLE.matcher(text);
    if (title.find()) {
      return "(HTML page '" + title.group(1) + "')";
    }
    if (text.regionMatches(true, 0, "<", 0, 1)) {
      return "(HTML page)";
    }
    return "(" + excerpt(text) + ")";
  }

  private static String joinObject(JsonNode node) {
    StringBuilder out = new StringBuilder();
    for (var e : node.properties()) {
      if (e.getValue().isValueNode()) {
        out.append(out.length() == 0 ? "" : ", ").append(e.getValue().asString());
      }
    }
    return out.toString();
  }

  /** An answer's text as it may appear in a log line: one line, no control characters. */
  private static String excerpt(String text) {
    return clip(text.replaceAll("\\s+", " ").replaceAll("\\p{Cc}", "?").strip());
  }

  private static String clip(String text) {
    return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "...";
  }

  /**
   * Retry-After as delta-seconds or an HTTP date (RFC 9110), at most {@link
   * CarbonSourceException#MAX_RETRY_AFTER}, however many digits or however far off the date;
   * absent or unreadable: empty.
   */
  static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String h = header.strip();
    Duration max = CarbonSourceException.MAX_RETRY_AFTER;
    if (DELTA_SECONDS.matcher(h).matches()) {
      // Past 18 digits a long overflows; so many seconds are past the cap anyway.
      long seconds = h.length() > 18 ? max.toSeconds() : Math.min(Long.parseLong(h), max.toSeconds());
      return Optional.of(Duration.ofSeconds(seconds));
    }
    try {
      Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(max) > 0 ? max : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "JsonHttp[" + endpoint.name() + " " + endpoint.baseUrl() + "]";
  }
}
