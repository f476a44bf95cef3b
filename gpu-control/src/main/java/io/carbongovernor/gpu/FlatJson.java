package io.carbongovernor.gpu;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the ledger: one flat object per line whose values are strings or integers.
 * Hand-written so that this module needs no JSON library.
 */
final class FlatJson {

  private final String text;
  private int pos;

  private FlatJson(String text) {
    this.text = text;
  }

  /** Writes {@code {"k":"v","n":1}}; values must be {@link String} or {@link Long}/{@link Integer}. */
  static String write(Map<String, ?> fields) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      quote(out, e.getKey());
      out.append(':');
      Object v = e.getValue();
      if (v instanceof String s) {
        quote(out, s);
      } else if (v instanceof Long || v instanceof Integer) {
        out.append(v);
      } else {
        throw new IllegalArgumentException("unsupported value for " + e.getKey() + ": " + v);
      }
    }
    return out.append('}').toString();
  }

  /** Parses one flat object; strings become {@link String}, integers {@link Long}. */
  static Map<String, Object> parse(String text) {
    FlatJson p = new FlatJson(text);
    Map<String, Object> fields = p.object();
    p.space();
    if (p.pos != text.length()) {
      throw p.error("trailing characters");
    }
    return fields;
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private Map<String, Object> object() {
    Map<String, Object> fields = new LinkedHashMap<>();
    space();
    expect('{');
    space();
    if (peek() == '}') {
      pos++;
      return fields;
    }
    while (true) {
      space();
      String key = string();
      space();
      expect(':');
      space();
      Object value = peek() == '"' ? string() : integer();
      if (fields.put(key, value) != null) {
        throw error("duplicate key " + key);
      }
      space();
      char c = next();
      if (c == '}') {
        return fields;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder s = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return s.toString();
      }
      if (c != '\\') {
        s.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> s.append(e);
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private Long integer() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    try {
      return Long.parseLong(text.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error("expected a string or an integer");
    }
  }

  private void space() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(message + " at column " + (pos + 1));
  }
}
