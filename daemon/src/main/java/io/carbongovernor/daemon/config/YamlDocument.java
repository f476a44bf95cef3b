package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A parsed config file: the tree, and where each node and each key was written, by JSON Pointer.
 *
 * @param file the file as shown in problems
 * @param directory the absolute directory that relative paths in the file resolve against
 */
record YamlDocument(
    Path file,
    Path directory,
    JsonNode root,
    Map<String, Location> keyLocations,
    Map<String, Location> valueLocations) {

  YamlDocument {
    keyLocations = Map.copyOf(keyLocations);
    valueLocations = Map.copyOf(valueLocations);
  }

  Location valueAt(String pointer) {
    return valueLocations.getOrDefault(pointer, Location.START);
  }

  /** Where the key for this value was written; the value's own location for list elements. */
  Location keyAt(String pointer) {
    Location key = keyLocations.get(pointer);
    return key != null ? key : valueAt(pointer);
  }
}
