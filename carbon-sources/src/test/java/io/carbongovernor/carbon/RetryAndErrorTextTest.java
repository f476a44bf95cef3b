package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void retryAfterIsSecondsOrAnHttpDate() {
    assertThat(JsonHttp.retryAfter("120")).contains(Duration.ofMinutes(2));
    assertThat(JsonHttp.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
    assertThat(JsonHttp.retryAfter("soon")).isEmpty();
    assertThat(JsonHttp.retryAfter(null)).isEmpty();
    assertThat(JsonHttp.retryAfter("-3")).isEmpty();
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
