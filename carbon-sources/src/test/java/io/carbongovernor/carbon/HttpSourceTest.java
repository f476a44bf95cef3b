package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WireMock, a recording sleeper and log capture for the tests of one HTTP source. */
abstract class HttpSourceTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  RecordingSleeper sleeper;
  LogCapture logs;

  @BeforeEach
  void captureLogs() {
    sleeper = new RecordingSleeper();
    logs = new LogCapture();
  }

  @AfterEach
  void noSecretLogged() {
    logs.close();
    Secrets.assertNoSecretIn(logs.text());
  }

  HttpEndpoint endpoint(String name) {
    Retry retry =
        new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30), sleeper, () -> 0.5);
    return new HttpEndpoint(name, URI.create(wm.baseUrl()), Timeouts.of(Duration.ofSeconds(5)), retry);
  }
}
