package io.carbongovernor.packaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A machine-readable {@code debian/copyright} (copyright-format 1.0) read into its paragraphs: the
 * header, the Files paragraphs and the stand-alone License paragraphs.
 */
record Dep5Copyright(List<Map<String, String>> paragraphs) {

  /** A Files paragraph: its patterns, copyright and licence (short name and any text). */
  record FilesParagraph(List<String> patterns, String copyright, String license) {

    /** copyright-format: {@code *} any run of characters ({@code /} included), {@code ?} one. */
    boolean matches(String path) {
      StringBuilder regex = new StringBuilder();
      for (String pattern : patterns) {
        if (!regex.isEmpty()) {
          regex.append('|');
        }
        for (char c : pattern.toCharArray()) {
          regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.matches(regex.toString(), path);
    }

    /** The licence's first line: a short name or an expression of them. */
    String licenseExpression() {
      return license.lines().findFirst().orElse("").strip();
    }

    boolean hasLicenseText() {
      return license.lines().count() > 1;
    }
  }

  static Dep5Copyright parse(String text) {
    List<Map<String, String>> paragraphs = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String field = null;
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
          current = new LinkedHashMap<>();
        }
        field = null;
      } else if (line.startsWith(" ") || line.startsWith("\t")) {
        if (field == null) {
          throw new IllegalArgumentException("continuation line without a field: " + line);
        }
        current.merge(field, "\n" + line.strip(), String::concat);
      } else {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("not a field: " + line);
        }
        field = line.substring(0, colon);
        if (current.containsKey(field)) {
          throw new IllegalArgumentException("field " + field + " twice in one paragraph");
        }
        current.put(field, line.substring(colon + 1).strip());
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current);
    }
    return new Dep5Copyright(List.copyOf(paragraphs));
  }

  Map<String, String> header() {
    return paragraphs.get(0);
  }

  List<FilesParagraph> files() {
    return paragraphs.stream()
        .filter(p -> p.containsKey("Files"))
        .map(
            p ->
                new FilesParagraph(
                    Arrays.stream(p.get("Files").split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                    p.getOrDefault("Copyright", ""),
                    p.getOrDefault("License", "")))
        .toList();
  }

  /** The stand-alone License paragraphs: short name to text. */
  Map<String, String> licenses() {
    Map<String, String> licenses = new LinkedHashMap<>();
    paragraphs.stream()
        .skip(1)
        .filter(p -> !p.containsKey("Files") && p.containsKey("License"))
        .forEach(
            p -> {
              String license = p.get("License");
              int nl = license.indexOf('\n');
              licenses.put(
                  nl < 0 ? license : license.substring(0, nl), nl < 0 ? "" : license.substring(nl + 1));
            });
    return licenses;
  }

  /** The paragraph that governs a path: the last Files paragraph that matches it. */
  Optional<FilesParagraph> governing(String path) {
    FilesParagraph found = null;
    for (FilesParagraph f : files()) {
      if (f.matches(path)) {
        found = f;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The short names in a licence expression ({@code Apache-2.0 or LGPL-3.0+}). */
  static List<String> shortNames(String expression) {
    return Arrays.stream(expression.split(",|\\s+(?:or|and)\\s+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
