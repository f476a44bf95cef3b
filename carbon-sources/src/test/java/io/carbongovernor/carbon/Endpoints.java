package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every HTTP endpoint the sources call, with its happy-path body and the variants the fault tests
 * need, so that each fault is tried against each endpoint.
 */
final class Endpoints {

  /** What a call should come to: a number of signals, or a failure of this kind. */
  record Expect(Kind failure, int signals) {
    static Expect signals(int n) {
      return new Expect(null, n);
    }

    static Expect fails(Kind kind) {
      return new Expect(kind, -1);
    }
  }

  enum Type {
    ELECTRICITYMAPS,
    WATTTIME,
    UK,
    UK_REGION,
    CARBON_AWARE_SDK,
    GOVERNOR
  }

  /**
   * @param now the clock during the call (the fixtures' times)
   * @param path the URL path the call must hit
   * @param call what the test asks the provider
   * @param unknownZone the provider's answer for a zone it does not know (status 400)
   */
  record Endpoint(
      String label,
      Type type,
      String now,
      String path,
      Function<Provider, Object> call,
      String okBody,
      int okSignals,
      String nullsBody,
      Expect nulls,
      String emptyBody,
      Expect empty,
      String unknownZone) {

    @Override
    public String toString() {
      return label;
    }
  }

  private Endpoints() {}

  static final Duration DAY = Duration.ofDays(1);

  static List<Endpoint> all() {
    String emHistory = Fixtures.body("electricitymaps/history.json");
    String emForecast = Fixtures.body("electricitymaps/forecast.json");
    String emPast = Fixtures.body("electricitymaps/past_range.json");
    String wtHist = Fixtures.body("watttime/historical.json");
    String wtFc = Fixtures.body("watttime/forecast.json");
    String ukNow = Fixtures.body("uk/intensity.json");
    String ukFw = Fixtures.body("uk/fw48h.json");
    String ukRegion = Fixtures.body("uk/regional_regionid.json");
    String ukRegionFw = Fixtures.body("uk/regional_fw48h_regionid.json");
    String sdkBy = Fixtures.body("casdk/bylocation.json");
    String sdkFc = Fixtures.body("casdk/forecasts_current.json");
    String emZone = Fixtures.body("electricitymaps/error_zone.json");
    String wtZone = Fixtures.body("watttime/error_params.json");
    String ukZone = Fixtures.body("uk/error_400.json");
    String sdkZone = Fixtures.body("casdk/error_400.json");
    String site = Fixtures.body("governor/carbon.json");
    String siteZone = "{\"error\":\"no such endpoint: /v1/carbon\",\"status\":400}";
    String siteNoSignal = site.replaceFirst("\"signal\":\\{[^}]*\\}", "\"signal\":null");
    String wtMeta =
        "\"meta\":{\"data_point_period_seconds\":300,\"region\":\"CAISO_NORTH\",\"warnings\":[],"
            + "\"signal_type\":\"co2_moer\",\"units\":\"lbs_co2_per_mwh\"}";
    return List.of(
        new Endpoint(
            "electricitymaps latest", Type.ELECTRICITYMAPS, "2024-11-28T15:20:00Z",
            "/v3/carbon-intensity/latest", p -> p.latest("BE"),
            Fixtures.body("electricitymaps/latest.json"), 1,
            Fixtures.body("electricitymaps/latest_null.json"), Expect.fails(Kind.UNAVAILABLE),
            "{}", Expect.fails(Kind.BAD_RESPONSE), emZone),
        new Endpoint(
            "electricitymaps forecast", Type.ELECTRICITYMAPS, "2024-11-28T15:20:00Z",
            "/v3/carbon-intensity/forecast", p -> p.forecastFromNow("DK-DK2", DAY),
            emForecast.replace("\"carbonIntensity\": null", "\"carbonIntensity\": 210"), 6,
            emForecast, Expect.signals(5),
            "{\"zone\":\"DK-DK2\",\"forecast\":[],\"updatedAt\":\"2024-11-28T15:25:24.685Z\"}",
            Expect.signals(0), emZone),
        new Endpoint(
            "electricitymaps history", Type.ELECTRICITYMAPS, "2024-11-28T15:20:00Z",
            "/v3/carbon-intensity/history",
            p -> p.history("DE", Instant.parse("2024-11-28T09:00:00Z"), Instant.parse("2024-11-28T15:20:00Z")),
            emHistory.replace("\"carbonIntensity\": null", "\"carbonIntensity\": 375"), 6, emHistory, Expect.signals(5),
            "{\"zone\":\"DE\",\"history\":[]}", Expect.signals(0), emZone),
        new Endpoint(
            "electricitymaps past-range", Type.ELECTRICITYMAPS, "2024-11-28T15:20:00Z",
            "/v3/carbon-intensity/past-range",
            p -> p.history("DE", Instant.parse("2019-05-21T20:00:00Z"), Instant.parse("2019-05-22T00:00:00Z")),
            emPast, 2, emPast.replace("\"carbonIntensity\": 339", "\"carbonIntensity\": null"),
            Expect.signals(1), "{\"zone\":\"DE\",\"data\":[]}", Expect.signals(0), emZone),
        new Endpoint(
            "watttime historical", Type.WATTTIME, "2022-07-15T00:07:00Z", "/v3/historical",
            p -> p.latest("CAISO_NORTH"), wtHist, 1,
            wtHist.replace("\"value\": 860", "\"value\": null"), Expect.signals(1),
            "{\"data\":[]," + wtMeta + "}", Expect.fails(Kind.UNAVAILABLE), wtZone),
        new Endpoint(
            "watttime forecast", Type.WATTTIME, "2022-07-15T00:02:00Z", "/v3/forecast",
            p -> p.forecastFromNow("CAISO_NORTH", Duration.ofHours(1)), wtFc, 4,
            wtFc.replace("\"value\": 850.5", "\"value\": null"), Expect.signals(3),
            "{\"data\":[]," + wtMeta + "}", Expect.signals(0), wtZone),
        new Endpoint(
            "uk intensity", Type.UK, "2018-01-20T12:40:00Z", "/intensity", p -> p.latest("GB"),
            ukNow, 1, ukNow.replace("\"actual\": 263", "\"actual\": null"), Expect.signals(1),
            "{\"data\":[]}", Expect.fails(Kind.UNAVAILABLE), ukZone),
        new Endpoint(
            "uk fw48h", Type.UK, "2018-01-20T12:10:00Z", "/intensity/2018-01-20T12:01Z/fw48h",
            p -> p.forecastFromNow("GB", Duration.ofHours(48)), ukFw, 4,
            ukFw.replace("\"forecast\": 248, \"actual\": null", "\"forecast\": null, \"actual\": null"),
            Expect.signals(3), "{\"data\":[]}", Expect.signals(0), ukZone),
        new Endpoint(
            "uk regional current", Type.UK_REGION, "2018-01-20T12:10:00Z", "/regional/regionid/13",
            p -> p.latest("GB"), ukRegion, 1, ukRegion.replace("\"forecast\":198", "\"forecast\":null"),
            Expect.fails(Kind.UNAVAILABLE), "{\"data\":[]}", Expect.fails(Kind.UNAVAILABLE), ukZone),
        new Endpoint(
            "uk regional fw48h", Type.UK_REGION, "2018-01-20T12:10:00Z",
            "/regional/intensity/2018-01-20T12:01Z/fw48h/regionid/13",
            p -> p.forecastFromNow("GB", Duration.ofHours(48)), ukRegionFw, 3,
            ukRegionFw.replace("\"forecast\":198", "\"forecast\":null"), Expect.signals(2),
            "{\"data\":{\"regionid\":13,\"shortname\":\"London\",\"data\":[]}}", Expect.signals(0), ukZone),
        new Endpoint(
            "uk regional range", Type.UK_REGION, "2018-01-21T00:00:00Z",
            "/regional/intensity/2018-01-20T12:00Z/2018-01-20T14:00Z/regionid/13",
            p -> p.history("GB", Instant.parse("2018-01-20T12:00:00Z"), Instant.parse("2018-01-20T14:00:00Z")),
            ukRegionFw, 3, ukRegionFw.replace("\"forecast\":187", "\"forecast\":null"), Expect.signals(2),
            "{\"data\":{\"regionid\":13,\"shortname\":\"London\",\"data\":[]}}", Expect.signals(0), ukZone),
        new Endpoint(
            "carbon-aware-sdk bylocation", Type.CARBON_AWARE_SDK, "2022-06-01T12:58:00Z",
            "/emissions/bylocation", p -> p.latest("eastus"), sdkBy, 1,
            sdkBy.replace("\"rating\": 371.25", "\"rating\": null"), Expect.signals(1),
            "[]", Expect.fails(Kind.UNAVAILABLE), sdkZone),
        new Endpoint(
            "carbon-aware-sdk forecasts/current", Type.CARBON_AWARE_SDK, "2022-06-01T12:58:00Z",
            "/emissions/forecasts/current", p -> p.forecastFromNow("eastus", Duration.ofHours(1)),
            sdkFc, 4, sdkFc.replace("\"value\": 375.12", "\"value\": null"), Expect.signals(3),
            "[]", Expect.signals(0), sdkZone),
        new Endpoint(
            "governor signal", Type.GOVERNOR, "2026-03-01T10:20:00Z", "/v1/carbon", p -> p.latest("DE"),
            site, 1, siteNoSignal, Expect.fails(Kind.UNAVAILABLE),
            "{\"zone\":\"DE\",\"as_of\":null,\"signal\":null,\"forecast\":[]}", Expect.fails(Kind.UNAVAILABLE),
            siteZone),
        new Endpoint(
            "governor forecast", Type.GOVERNOR, "2026-03-01T10:20:00Z", "/v1/carbon",
            p -> p.forecastFromNow("DE", DAY), site, 3, siteNoSignal, Expect.signals(3),
            "{\"zone\":\"DE\",\"as_of\":null,\"signal\":null,\"forecast\":[]}", Expect.signals(0), siteZone));
  }

  /** The provider of {@code type} against {@code baseUrl}. */
  static Provider provider(Type type, URI baseUrl, Timeouts timeouts, Retry retry, MovableClock clock) {
    HttpEndpoint endpoint = new HttpEndpoint(type.name().toLowerCase(java.util.Locale.ROOT), baseUrl, timeouts, retry);
    return switch (type) {
      case ELECTRICITYMAPS ->
          new ElectricityMapsProvider(endpoint, Secrets.EM_TOKEN, ElectricityMapsOptions.defaults(), clock);
      case WATTTIME -> new WattTimeProvider(endpoint, Secrets.WT_USER, Secrets.WT_PASSWORD, clock);
      case UK -> new UkProvider(endpoint, Optional.empty(), clock);
      case UK_REGION -> new UkProvider(endpoint, Optional.of("13"), clock);
      case CARBON_AWARE_SDK -> new CarbonAwareSdkProvider(endpoint, SignalKind.MARGINAL, clock);
      case GOVERNOR -> new GovernorProvider(endpoint, Optional.of(Secrets.SITE_TOKEN), List.of(), clock);
    };
  }

  /** A call's result as a list of signals. */
  @SuppressWarnings("unchecked")
  static List<CarbonSignal> signals(Object result) {
    return result instanceof CarbonSignal s ? List.of(s) : (List<CarbonSignal>) result;
  }
}
