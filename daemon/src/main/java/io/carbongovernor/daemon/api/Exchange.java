package io.carbongovernor.daemon.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One HTTP exchange with JSON in and out, bodies capped so that no caller can exhaust memory. */
final class Exchange {

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpExchange http;

  Exchange(HttpExchange http) {
    this.http = http;
  }

  HttpExchange http() {
    return http;
  }

  String method() {
    return http.getRequestMethod();
  }

  String path() {
    return http.getRequestURI().getPath();
  }

  /** The request body as a JSON object. */
  ObjectNode body() {
    byte[] bytes;
    try (InputStream in = http.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new ApiException(400, "cannot read the request body: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw new ApiException(400, "request body must be a JSON object");
    }
    JsonNode node;
    try {
      node = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ApiException(400, "request body must be a JSON object");
    }
    return object;
  }

  void send(int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    http.getResponseHeaders().set("Content-Type", "application/json");
    http.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(bytes);
    }
  }

  void sendError(int status, String reason) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", reason);
    body.put("status", status);
    send(status, body);
  }
}
