package io.carbongovernor.daemon.api;

import java.util.Optional;
import java.util.function.LongSupplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One request as the endpoints see it: its method, path, the Accept header, the body (already
 * read and capped at {@link #MAX_BODY_BYTES}) and the caller, whom the kernel names on demand.
 */
final class Exchange {

  static final int MAX_BODY_BYTES = 64 * 1024;

  /** Strict: a key given twice or text after the object is an error, never a silent choice. */
  static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final String method;
  private final String path;
  private final Optional<String> accept;
  private final byte[] body;
  private final LongSupplier caller;

  Exchange(String method, String path, Optional<String> accept, byte[] body, LongSupplier caller) {
    this.method = method;
    this.path = path;
    this.accept = accept;
    this.body = body;
    this.caller = caller;
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  Optional<String> accept() {
    return accept;
  }

  /**
   * The uid that owns the caller's end of the connection.
   *
   * @throws ApiException (403) when the kernel's answer cannot be had
   */
  long caller() {
    return caller.getAsLong();
  }

  /** The request body as a JSON object. */
  ObjectNode body() {
    if (body.length == 0) {
      throw new ApiException(400, "request body must be a JSON object");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ApiException(400, "request body must be a JSON object");
    }
    return object;
  }
}
