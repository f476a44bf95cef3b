package io.carbongovernor.daemon.api;

import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of every request: an unknown path or a wrong method is answered at once; a
 * write's body is read without holding a thread and capped at {@link Exchange#MAX_BODY_BYTES};
 * only then does the request go on to the QoS limit and the endpoint ({@link Endpoints}), so that
 * a caller who trickles a body holds a connection, never one of the few workers.
 */
final class ApiHandler extends Handler.Wrapper {

  static final String ENDPOINT = ApiHandler.class.getName() + ".endpoint";
  static final String BODY = ApiHandler.class.getName() + ".body";

  private static final Logger log = LoggerFactory.getLogger("api");
  private static final byte[] NO_BODY = new byte[0];

  ApiHandler(Handler next) {
    super(next);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Optional.ofNullable(Request.getPathInContext(request)).orElse("");
    String method = request.getMethod();
    if (HttpMethod.CONNECT.is(method)) {
      Answers.write(request, response, callback, Answer.error(400, "CONNECT is refused: the API is no proxy"));
      return true;
    }
    Optional<Endpoint> found = Endpoint.of(path);
    if (found.isEmpty()) {
      Answers.write(request, response, callback, Answer.error(404, "no such endpoint: " + path));
      return true;
    }
    Endpoint endpoint = found.get();
    if (!endpoint.allows(method)) {
      Answers.write(request, response, callback, endpoint.methodNotAllowed(method));
      return true;
    }
    request.setAttribute(ENDPOINT, endpoint);
    if (!endpoint.kind().takesBody(method)) {
      request.setAttribute(BODY, NO_BODY);
      return next(request, response, callback);
    }
    if (request.getLength() > Exchange.MAX_BODY_BYTES) {
      Answers.write(request, response, callback, tooLarge());
      return true;
    }
    BodyReader.read(
        request,
        Exchange.MAX_BODY_BYTES,
        new BodyReader.Done() {
          @Override
          public void read(byte[] body) {
            request.setAttribute(BODY, body);
            try {
              next(request, response, callback);
            } catch (Throwable e) {
              Response.writeError(request, response, callback, e);
            }
          }

          @Override
          public void tooLarge() {
            Answers.write(request, response, callback, ApiHandler.tooLarge());
          }

          @Override
          public void failed(Throwable failure) {
            bodyFailed(request, response, callback, failure);
          }
        });
    return true;
  }

  private boolean next(Request request, Response response, Callback callback) throws Exception {
    if (!super.handle(request, response, callback)) {
      Answers.write(request, response, callback, Answer.error(404, "no such endpoint"));
    }
    return true;
  }

  private static Answer tooLarge() {
    return Answer.error(413, "request body over " + Exchange.MAX_BODY_BYTES + " bytes");
  }

  /**
   * A body that breaks the protocol (a malformed chunk) gets Jetty's 400; one that stops coming
   * a 408; a caller who went away gets nothing, and the log one debug line.
   */
  private static void bodyFailed(Request request, Response response, Callback callback, Throwable failure) {
    if (failure instanceof HttpException) {
      Response.writeError(request, response, callback, failure);
    } else if (failure instanceof TimeoutException) {
      Response.writeError(request, response, callback, 408, "the request body did not arrive in time");
    } else {
      log.atDebug().addKeyValue("cause", failure.toString()).log("caller left while sending a body");
      callback.failed(failure);
    }
  }

  static String accept(Request request) {
    return request.getHeaders().get(HttpHeader.ACCEPT);
  }
}
