package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAndErrorTextTest {

  Retry retry(double jitter) {
    return new Retry(6, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30), new RecordingSleeper(), () -> jitter);
  }

  @Test
  void backoffDoublesUpToItsCapWithJitterBetweenHalfAndAll() {
    Retry top = retry(1.0);
    assertThat(java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(top::backoff)).containsExactly(
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofSeconds(1));
    Retry bottom = retry(0.0);
    assertThat(bottom.backoff(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(bottom.backoff(9)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDateFromTheClock() {
    Instant now = Instant.parse("2015-10-21T07:27:00Z");
    assertThat(JsonHttp.retryAfter("120", now)).contains(Duration.ofMinutes(2));
    assertThat(JsonHttp.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).contains(Duration.ofMinutes(1));
    assertThat(JsonHttp.retryAfter("Wed, 21 Oct 2015 07:26:00 GMT", now)).contains(Duration.ZERO);
    assertThat(JsonHttp.retryAfter("soon", now)).isEmpty();
    assertThat(JsonHttp.retryAfter(null, now)).isEmpty();
    assertThat(JsonHttp.retryAfter("-3", now)).isEmpty();
  }

  @Test
  void aRetryAfterPastAnHourIsAnHour() {
    Instant now = Instant.parse("2015-10-21T07:27:00Z");
    for (String huge : new String[] {"3601", "999999999999", "9223372036854775807", "99999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT"}) {
      assertThat(JsonHttp.retryAfter(huge, now)).as(huge).contains(Duration.ofHours(1));
    }
    assertThat(JsonHttp.retryAfter("3600", now)).contains(Duration.ofHours(1));
    assertThat(new CarbonSourceException(Kind.RATE_LIMITED, "em", "429", Duration.ofDays(365_000), null).retryAfter())
        .contains(CarbonSourceException.MAX_RETRY_AFTER);
  }

  @Test
  void errorBodiesAreSummarised() {
    assertThat(JsonHttp.summary("{\"error\":\"Invalid auth-token\"}")).isEqualTo("(Invalid auth-token)");
    assertThat(JsonHttp.summary("{\"error\": {\"code\": \"500 Internal Server Error\", \"message\": \"Requested resource not found.\"}}"))
        .isEqualTo("(500 Internal Server Error, Requested resource not found.)");
    assertThat(JsonHttp.summary(Fixtures.body("watttime/error_403.html"))).isEqualTo("(HTML page '403 Forbidden')");
    assertThat(JsonHttp.summary("")).isEqualTo("(empty body)");
    assertThat(JsonHttp.summary("x".repeat(500))).hasSize(165);
  }

  @Test
  void timeoutsDeriveFromOneLimit() {
    assertThat(Timeouts.of(Duration.ofSeconds(10))).isEqualTo(
        new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10)));
    assertThat(Timeouts.of(Duration.ofSeconds(1)).connect()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void everySourceSharesOneConnectionPool() {
    var a = SharedHttpClient.with(Timeouts.of(Duration.ofSeconds(1)));
    var b = SharedHttpClient.with(Timeouts.of(Duration.ofSeconds(9)));
    assertThat(a.connectionPool()).isSameAs(b.connectionPool()).isSameAs(SharedHttpClient.shared().connectionPool());
    assertThat(a.dispatcher()).isSameAs(b.dispatcher());
    assertThat(a.callTimeoutMillis()).isEqualTo(1000);
  }
}
