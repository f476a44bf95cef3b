package io.carbongovernor.daemon.api;

import io.carbongovernor.carbon.SiteCarbonDocument;
import io.carbongovernor.daemon.control.TickReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The site API's one endpoint: what the last tick decided on, as {@link SiteCarbonDocument}. It
 * reads the published tick and never the sources, so no caller can make the daemon spend its
 * paid API's quota.
 */
final class SiteCarbon extends Handler.Abstract {

  private final String zone;
  private final Supplier<Optional<TickReport>> lastTick;

  SiteCarbon(String zone, Supplier<Optional<TickReport>> lastTick) {
    this.zone = zone;
    this.lastTick = lastTick;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Answers.write(request, response, callback, answer());
    return true;
  }

  Answer answer() {
    Optional<TickReport> tick = lastTick.get();
    byte[] body =
        SiteCarbonDocument.write(
            zone,
            tick.map(TickReport::at),
            tick.flatMap(TickReport::signal),
            tick.map(TickReport::forecast).orElse(List.of()));
    return new Answer(200, Answer.JSON_TYPE, body, Map.of());
  }
}
