package io.carbongovernor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A results page from its template under {@code bench/templates}: the prose that stays true, with
 * a {@code {{name}}} placeholder wherever a run's figure goes. Every placeholder must be filled and
 * every value used, so that no figure on a page is left over from an earlier run; {@code
 * {{header}}} stays for the script, which puts the stamp there (see {@code bench/stamp.sh}).
 */
public final class PageTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z0-9][a-z0-9-]*)}}");
  private static final String HEADER = "header";

  private final String template;
  private final Map<String, String> values = new LinkedHashMap<>();

  private PageTemplate(String template) {
    this.template = template;
  }

  public static PageTemplate read(Path path) throws IOException {
    return new PageTemplate(Files.readString(path, StandardCharsets.UTF_8));
  }

  public static PageTemplate of(String template) {
    return new PageTemplate(template);
  }

  /** Sets a placeholder's value; a value is Markdown, put in as it is. */
  public PageTemplate put(String name, String value) {
    if (!PLACEHOLDER.matcher("{{" + name + "}}").matches() || name.equals(HEADER)) {
      throw new IllegalArgumentException("not a placeholder's name: " + name);
    }
    if (values.putIfAbsent(name, value) != null) {
      throw new IllegalArgumentException("{{" + name + "}} set twice");
    }
    return this;
  }

  /**
   * The page.
   *
   * @throws IllegalStateException when a placeholder has no value or a value no placeholder
   */
  public String render() {
    Set<String> missing = new TreeSet<>();
    Set<String> unused = new TreeSet<>(values.keySet());
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder page = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.equals(HEADER) ? m.group() : values.get(name);
      if (value == null) {
        missing.add(name);
        value = m.group();
      }
      unused.remove(name);
      m.appendReplacement(page, Matcher.quoteReplacement(value));
    }
    m.appendTail(page);
    if (!missing.isEmpty() || !unused.isEmpty()) {
      throw new IllegalStateException("the template and the run disagree: no value for " + missing
          + ", no placeholder for " + unused);
    }
    return page.toString();
  }

  public void write(Path out) throws IOException {
    Files.writeString(out, render(), StandardCharsets.UTF_8);
  }
}
