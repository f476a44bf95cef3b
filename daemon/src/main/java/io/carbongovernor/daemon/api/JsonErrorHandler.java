package io.carbongovernor.daemon.api;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a message it cannot parse, headers over the limit, an overload
 * the QoS handler refuses, a request target no endpoint has) in the API's JSON, {@code {"error":
 * reason, "status": N}}, whatever the method and the Accept header.
 */
final class JsonErrorHandler implements Request.Handler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String message = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String m ? m : null;
    if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
      message = message != null ? message : http.getReason();
    }
    if (status < 400 || status > 599) {
      status = 500;
    }
    Answer answer = Answer.error(status, reason(status, message));
    if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
      answer = answer.withHeader("Retry-After", "1");
    }
    Answers.write(request, response, callback, answer);
    return true;
  }

  /** Jetty's reason for a 4xx; a fixed one for a 5xx, whose cause belongs in the log. */
  private static String reason(int status, String message) {
    return switch (status) {
      case HttpStatus.SERVICE_UNAVAILABLE_503 -> "too many requests at once; try again shortly";
      case HttpStatus.INTERNAL_SERVER_ERROR_500 -> "internal error; see the daemon's log";
      default -> status < 500 && message != null && !message.isBlank() ? message : HttpStatus.getMessage(status);
    };
  }
}
