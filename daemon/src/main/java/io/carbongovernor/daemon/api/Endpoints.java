package io.carbongovernor.daemon.api;

import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The last step: runs the endpoint {@link ApiHandler} found, with the body it read, on one of the
 * workers the QoS limit lets through, and writes the answer.
 */
final class Endpoints extends Handler.Abstract {

  private final Router router;
  private final Callers callers;

  Endpoints(Router router, Callers callers) {
    this.router = router;
    this.callers = callers;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Endpoint endpoint = (Endpoint) request.getAttribute(ApiHandler.ENDPOINT);
    byte[] body = (byte[]) request.getAttribute(ApiHandler.BODY);
    Exchange exchange =
        new Exchange(
            request.getMethod(),
            Request.getPathInContext(request),
            Optional.ofNullable(ApiHandler.accept(request)),
            body,
            () -> callers.uid(request.getConnectionMetaData()));
    Answers.write(request, response, callback, router.answer(endpoint, exchange));
    return true;
  }
}
