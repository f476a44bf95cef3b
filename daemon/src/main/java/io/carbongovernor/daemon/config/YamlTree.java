package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Parses one YAML file in a single streaming pass into a tree plus the location of every key and
 * value. Data binding would stop at the first error and cannot locate errors in records, so the
 * readers walk this tree instead.
 *
 * <p>Jackson 3 reads YAML 1.2 (snakeyaml-engine): {@code NO} and {@code yes} stay strings.
 */
final class YamlTree {

  /** Configs are a few levels deep; anything deeper is a mistake or an attack. */
  static final int MAX_DEPTH = 32;

  /** Config files are small; this bounds memory for a runaway or hostile file. */
  static final int MAX_CHARS = 1 << 20;

  private static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxDocumentLength(MAX_CHARS)
                  .build())
          .loadSettings(
              LoadSettings.builder()
                  .setCodePointLimit(MAX_CHARS)
                  // Jackson turns snakeyaml's duplicate check into a parse failure that ends the
                  // file; readMapping reports each duplicate at its key and reads on instead.
                  .setAllowDuplicateKeys(true)
                  .build())
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Path file;
  private final Problems problems;
  private final Map<String, Location> keyLocations = new HashMap<>();
  private final Map<String, Location> valueLocations = new HashMap<>();
  private JsonParser parser;
  private Location last = Location.START;

  private YamlTree(Path file, Problems problems) {
    this.file = file;
    this.problems = problems;
  }

  /**
   * The document, or empty after a syntax error (reported). An empty file is an empty mapping.
   *
   * @param file the file as shown in problems
   * @param directory the absolute directory relative paths resolve against
   */
  static Optional<YamlDocument> parse(Path file, Path directory, String text, Problems problems) {
    return new YamlTree(file, problems).parse(directory, text);
  }

  private Optional<YamlDocument> parse(Path directory, String text) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
      parser = p;
      JsonToken first = p.nextToken();
      JsonNode root = first == null ? NODES.objectNode() : readValue(first, "");
      if (first == null) {
        valueLocations.put("", Location.START);
      }
      if (p.nextToken() != null) {
        problems.add(file, here(), "a config file holds one YAML document; remove this one");
      }
      return Optional.of(new YamlDocument(file, directory, root, keyLocations, valueLocations));
    } catch (JacksonException e) {
      problems.add(file, errorLocation(e), syntaxMessage(e));
      return Optional.empty();
    }
  }

  /**
   * Reads the value that starts at {@code token}; a null pointer means "do not index". Returns null
   * for a value that was reported and left out.
   */
  private JsonNode readValue(JsonToken token, String pointer) {
    Location at = here();
    if (pointer != null) {
      valueLocations.put(pointer, at);
    }
    switch (token) {
      case START_OBJECT:
        return readMapping(pointer);
      case START_ARRAY:
        ArrayNode list = NODES.arrayNode();
        int index = 0;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          JsonNode element = readValue(t, pointer == null ? null : pointer + "/" + index);
          if (element != null) {
            list.add(element);
            index++;
          }
        }
        return list;
      case VALUE_STRING:
        if (((YAMLParser) parser).isCurrentAlias()) {
          // Aliases are never expanded (so no alias bombs); config files have no need for them.
          // The value is left out so that readers do not report it a second time.
          problems.add(file, at, "YAML aliases (*" + parser.getString() + ") are not supported");
          return null;
        }
        return NODES.stringNode(parser.getString());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(parser.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        problems.add(file, at, "unsupported YAML value (" + token + ")");
        return NODES.nullNode();
    }
  }

  private ObjectNode readMapping(String pointer) {
    ObjectNode mapping = NODES.objectNode();
    Map<String, Location> firstSeen = new HashMap<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String key = parser.currentName();
      Location keyAt = here();
      Location first = firstSeen.putIfAbsent(key, keyAt);
      String child = pointer == null || first != null ? null : pointer + "/" + escape(key);
      if (first != null) {
        problems.add(
            file, keyAt, "duplicate key '" + key + "' (first given at line " + first.line() + ")");
      } else if (child != null) {
        keyLocations.put(child, keyAt);
      }
      JsonNode value = readValue(parser.nextToken(), child);
      if (first == null && value != null) {
        mapping.set(key, value);
      }
    }
    return mapping;
  }

  private Location here() {
    TokenStreamLocation l = parser.currentTokenLocation();
    last = new Location(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    return last;
  }

  /** snakeyaml's problem mark is exact; Jackson's own location is the last token's. */
  private Location errorLocation(JacksonException e) {
    if (e.getCause() instanceof MarkedYamlEngineException) {
      Optional<Mark> mark = ((MarkedYamlEngineException) e.getCause()).getProblemMark();
      if (mark.isPresent()) {
        return new Location(mark.get().getLine() + 1, mark.get().getColumn() + 1);
      }
    }
    TokenStreamLocation l = e.getLocation();
    return l != null && l.getLineNr() > 0 ? new Location(l.getLineNr(), l.getColumnNr()) : last;
  }

  private static String syntaxMessage(JacksonException e) {
    if (e.getCause() instanceof MarkedYamlEngineException) {
      MarkedYamlEngineException yaml = (MarkedYamlEngineException) e.getCause();
      String context = yaml.getContext();
      String where =
          yaml.getContextMark()
              .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
              .orElse("");
      return "YAML syntax error: "
          + firstLine(yaml.getProblem())
          + (context == null ? "" : " (" + firstLine(context) + where + ")");
    }
    return "YAML error: " + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unknown error";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }

  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
