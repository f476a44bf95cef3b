package io.carbongovernor.daemon.report;

/** Text made safe for HTML and SVG, in element content and in quoted attributes. */
final class Html {

  private Html() {}

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters are not allowed in XML, so SVG readers would reject the chart.
          if (Character.isISOControl(c) && c != '\n' && c != '\t') {
            out.append('?');
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.toString();
  }
}
