package io.carbongovernor.daemon.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes an {@link Answer} without blocking: the callback completes once the bytes are out. */
final class Answers {

  private Answers() {}

  static void write(Request request, Response response, Callback callback, Answer answer) {
    response.setStatus(answer.status());
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    answer.headers().forEach(headers::put);
    headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    response.write(true, head ? null : ByteBuffer.wrap(answer.body()), callback);
  }
}
