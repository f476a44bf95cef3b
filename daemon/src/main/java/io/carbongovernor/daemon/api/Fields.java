package io.carbongovernor.daemon.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Typed reads of a request object's fields, each failure a 400 that names the field. */
final class Fields {

  private final ObjectNode object;

  private Fields(ObjectNode object, Set<String> known) {
    this.object = object;
    for (String name : object.propertyNames()) {
      if (!known.contains(name)) {
        throw new ApiException(400, "unknown field '" + name + "' (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  static Fields of(ObjectNode object, Set<String> known) {
    return new Fields(object, known);
  }

  String string(String name) {
    return optionalString(name).orElseThrow(() -> new ApiException(400, "field '" + name + "' is required"));
  }

  Optional<String> optionalString(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isString()) {
      throw new ApiException(400, "field '" + name + "' must be a string");
    }
    return Optional.of(n.stringValue());
  }

  long positiveLong(String name) {
    OptionalLong v = optionalNonNegativeLong(name);
    if (v.isEmpty()) {
      throw new ApiException(400, "field '" + name + "' is required");
    }
    if (v.getAsLong() == 0) {
      throw new ApiException(400, "field '" + name + "' must be above 0");
    }
    return v.getAsLong();
  }

  OptionalLong optionalNonNegativeLong(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return OptionalLong.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new ApiException(400, "field '" + name + "' must be a whole number >= 0");
    }
    return OptionalLong.of(n.longValue());
  }

  OptionalInt optionalPositiveInt(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return OptionalInt.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
      throw new ApiException(400, "field '" + name + "' must be a whole number > 0");
    }
    return OptionalInt.of(n.intValue());
  }

  OptionalDouble optionalNumber(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return OptionalDouble.empty();
    }
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw new ApiException(400, "field '" + name + "' must be a finite number");
    }
    return OptionalDouble.of(n.doubleValue());
  }

  Optional<Boolean> optionalBoolean(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      throw new ApiException(400, "field '" + name + "' must be true or false");
    }
    return Optional.of(n.booleanValue());
  }

  /** A list of GPU references: indices (numbers) or UUIDs (strings). */
  List<String> gpuList(String name) {
    JsonNode n = present(name);
    if (n == null) {
      throw new ApiException(400, "field '" + name + "' is required");
    }
    if (!n.isArray() || n.isEmpty() || n.size() > 64) {
      throw new ApiException(400, "field '" + name + "' must be a list of 1 to 64 GPU indices or UUIDs");
    }
    List<String> refs = new ArrayList<>();
    for (JsonNode item : n) {
      if (item.isIntegralNumber() && item.canConvertToInt() && item.intValue() >= 0) {
        refs.add(Integer.toString(item.intValue()));
      } else if (item.isString() && !item.stringValue().isBlank()) {
        refs.add(item.stringValue());
      } else {
        throw new ApiException(400, "field '" + name + "' must hold GPU indices or UUIDs, got " + item);
      }
    }
    return refs;
  }

  Optional<ObjectNode> optionalObject(String name) {
    JsonNode n = present(name);
    if (n == null) {
      return Optional.empty();
    }
    if (!(n instanceof ObjectNode o)) {
      throw new ApiException(400, "field '" + name + "' must be an object");
    }
    return Optional.of(o);
  }

  private JsonNode present(String name) {
    JsonNode n = object.get(name);
    return n == null || n.isNull() ? null : n;
  }
}
