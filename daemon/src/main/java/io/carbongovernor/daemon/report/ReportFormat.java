package io.carbongovernor.daemon.report;

import java.util.Locale;

/** The output formats of {@code carbon-governor report}. */
public enum ReportFormat {
  TEXT,
  CSV,
  JSON,
  HTML;

  public String render(Report report) {
    return switch (this) {
      case TEXT -> TextReport.render(report);
      case CSV -> CsvReport.render(report);
      case JSON -> JsonReport.render(report);
      case HTML -> HtmlReport.render(report);
    };
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
