package io.carbongovernor.carbon;

import java.util.List;
import java.util.Objects;

/** Removes a source's secrets from any text before it reaches a log line or an exception. */
final class Redactor {

  static final String MASK = "[redacted]";

  private final List<String> secrets;

  Redactor(List<String> secrets) {
    this.secrets =
        secrets.stream().filter(Objects::nonNull).filter(s -> !s.isEmpty()).toList();
  }

  static Redactor none() {
    return new Redactor(List.of());
  }

  /** A redactor that also masks {@code more} (a token that arrives later). */
  Redactor and(String more) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(secrets);
    all.add(more);
    return new Redactor(all);
  }

  String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    return out;
  }
}
