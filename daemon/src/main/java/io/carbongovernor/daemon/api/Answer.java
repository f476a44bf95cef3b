package io.carbongovernor.daemon.api;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What goes back: status, content type, body and any further headers. */
record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON_TYPE = "application/json";

  Answer {
    headers = Map.copyOf(headers);
  }

  static Answer json(int status, JsonNode body) {
    return new Answer(status, JSON_TYPE, Exchange.JSON.writeValueAsBytes(body), Map.of());
  }

  /** Every refusal looks alike: {@code {"error": reason, "status": N}}. */
  static Answer error(int status, String reason) {
    return json(status, errorBody(status, reason));
  }

  static ObjectNode errorBody(int status, String reason) {
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("error", reason);
    body.put("status", status);
    return body;
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, contentType, body, more);
  }
}
