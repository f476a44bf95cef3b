package io.carbongovernor.daemon.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One inline SVG chart of figures that hold for a slot of time: each figure a horizontal step
 * over its slot, a vertical jump to the next slot's, and a gap where there is no figure (no
 * history, or nothing to average). A band fills between two stepped series. The x axis is
 * time (UTC) with round, labelled ticks; the y axis starts at zero, with round ticks labelled
 * in the unit that suits the size. Paths and ticks carry classes and data attributes naming
 * what they show, so programs can read the chart as well as people.
 */
final class StepChart {

  static final int WIDTH = 900;
  private static final int LEFT = 76;
  private static final int RIGHT = WIDTH - 16;
  private static final int TOP = 34;
  private static final int BOTTOM_MARGIN = 50;
  /** The height of a legend row. */
  private static final int ROW = 16;
  private static final String DASHED = " stroke-dasharray=\"6 4\"";

  /** A figure over {@code [start, end)}; NaN for none. */
  record Step(Instant start, Instant end, double value) {}

  /**
   * A stepped line.
   *
   * @param series what it shows (emissions, baseline, intensity, ...): its {@code data-series}
   * @param team the team it belongs to, if any: its {@code data-team}
   */
  record Series(String name, String series, Optional<String> team, String colour, boolean dashed, List<Step> steps) {
    Series {
      steps = List.copyOf(steps);
    }
  }

  /** The area between two stepped lines over the same slots ({@code upper} and {@code lower}). */
  record Band(String name, String series, Optional<String> team, String colour, List<Step> upper, List<Step> lower) {
    Band {
      upper = List.copyOf(upper);
      lower = List.copyOf(lower);
      if (upper.size() != lower.size()) {
        throw new IllegalArgumentException("a band needs one lower step for each upper step");
      }
    }
  }

  private final String id;
  private final String title;
  private final String caption;
  private final ValueAxis.Quantity quantity;
  private final Instant start;
  private final Instant end;
  private final int height;
  private final List<Series> lines = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();

  /**
   * @param id the chart's {@code data-chart}
   * @param caption what the y axis shows, above it (e.g. "CO2e per hour")
   */
  StepChart(String id, String title, String caption, ValueAxis.Quantity quantity, Instant start, Instant end, int height) {
    this.id = Objects.requireNonNull(id);
    this.title = Objects.requireNonNull(title);
    this.caption = Objects.requireNonNull(caption);
    this.quantity = Objects.requireNonNull(quantity);
    this.start = Objects.requireNonNull(start);
    this.end = Objects.requireNonNull(end);
    this.height = height;
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("a chart needs time to show: " + start + " to " + end);
    }
  }

  StepChart line(Series s) {
    lines.add(s);
    return this;
  }

  StepChart band(Band b) {
    bands.add(b);
    return this;
  }

  String svg() {
    double max = 0;
    for (Series s : lines) {
      max = Math.max(max, s.steps().stream().mapToDouble(Step::value).filter(v -> !Double.isNaN(v)).max().orElse(0));
    }
    ValueAxis axis = ValueAxis.forMax(quantity, max);
    List<List<LegendItem>> legend = legendRows();
    // Legend rows beyond the first push the plot down; the plot keeps its height.
    int top = TOP + ROW * (legend.size() - 1);
    int total = height + ROW * (legend.size() - 1);
    int bottom = total - BOTTOM_MARGIN;
    Plot plot = new Plot(top, bottom, axis);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"%s\" width=\"%d\" height=\"%d\""
            + " viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\">",
        Html.esc(id), WIDTH, total, WIDTH, total));
    s.append("<title>").append(Html.esc(title)).append("</title>");
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fcfcfc\"/>", WIDTH, total));
    s.append("<g class=\"y-axis\" data-unit=\"").append(Html.esc(axis.unit().symbol())).append("\">");
    for (ValueAxis.Tick t : axis.ticks()) {
      double y = plot.y(t.value());
      s.append(String.format(Locale.ROOT,
          "<line class=\"y-grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
              + "<text class=\"y-tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>",
          LEFT, RIGHT, y, y, t.value() == 0 ? "#888" : "#e4e4e4", LEFT - 6, y + 4, Html.esc(t.label())));
    }
    s.append("</g>");
    s.append(String.format(Locale.ROOT, "<text class=\"y-caption\" x=\"%d\" y=\"%d\" fill=\"#222\" font-weight=\"600\">%s</text>",
        LEFT, TOP - 14, Html.esc(caption)));
    s.append("<g class=\"x-axis\">");
    for (TimeAxis.Tick t : TimeAxis.ticks(start, end)) {
      double x = x(t.at());
      s.append(String.format(Locale.ROOT,
          "<line class=\"x-grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
              + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
              + "<text class=\"x-tick\" data-time=\"%s\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>",
          x, x, top, bottom, x, x, bottom, bottom + 4, t.at(), x, bottom + 16, Html.esc(t.label())));
      t.below().ifPresent(b -> s.append(String.format(Locale.ROOT,
          "<text class=\"x-tick-below\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\">%s</text>", x, bottom + 30, Html.esc(b))));
    }
    s.append(String.format(Locale.ROOT,
        "<text class=\"x-caption\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\">time (UTC)</text>",
        (LEFT + RIGHT) / 2, total - 3));
    s.append("</g>");
    for (Band b : bands) {
      s.append(String.format(Locale.ROOT, "<path class=\"band\" data-series=\"%s\"%s d=\"%s\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"none\"/>",
          Html.esc(b.series()), team(b.team()), bandPath(b, plot), b.colour()));
    }
    for (Series l : lines) {
      s.append(String.format(Locale.ROOT,
          "<path class=\"series\" data-series=\"%s\"%s d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s"
              + " stroke-linejoin=\"round\"/>",
          Html.esc(l.series()), team(l.team()), linePath(l.steps(), plot), l.colour(), l.dashed() ? DASHED : ""));
    }
    legend(s, legend);
    return s.append("</svg>\n").toString();
  }

  /** A legend entry: a swatch for a band, a short line for a series. */
  private record LegendItem(String name, String colour, boolean band, boolean dashed) {
    double width() {
      return 22 + 6.5 * name.length() + 14;
    }
  }

  /** Legend entries in rows right of the caption, then below it, as wide as they fit. */
  private List<List<LegendItem>> legendRows() {
    List<LegendItem> items = new ArrayList<>();
    bands.forEach(b -> items.add(new LegendItem(b.name(), b.colour(), true, false)));
    lines.forEach(l -> items.add(new LegendItem(l.name(), l.colour(), false, l.dashed())));
    List<List<LegendItem>> rows = new ArrayList<>();
    List<LegendItem> row = new ArrayList<>();
    double room = RIGHT - LEFT - 7.0 * caption.length() - 24;
    double used = 0;
    for (LegendItem item : items) {
      if (!row.isEmpty() && used + item.width() > room) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
        room = RIGHT - LEFT;
      }
      row.add(item);
      used += item.width();
    }
    rows.add(row);
    return rows;
  }

  private void legend(StringBuilder s, List<List<LegendItem>> rows) {
    s.append("<g class=\"legend\">");
    for (int r = 0; r < rows.size(); r++) {
      int baseline = TOP - 14 + ROW * r;
      double x = RIGHT - rows.get(r).stream().mapToDouble(LegendItem::width).sum() + 14;
      for (LegendItem item : rows.get(r)) {
        if (item.band()) {
          s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"16\" height=\"10\" fill=\"%s\" fill-opacity=\"0.35\"/>",
              x, baseline - 9, item.colour()));
        } else {
          s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>",
              x, x + 16, baseline - 4, baseline - 4, item.colour(), item.dashed() ? DASHED : ""));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#222\">%s</text>", x + 22, baseline, Html.esc(item.name())));
        x += item.width();
      }
    }
    s.append("</g>");
  }

  /** The plot's vertical extent and scale. */
  private record Plot(int top, int bottom, ValueAxis axis) {
    double y(double value) {
      return bottom - (bottom - top) * value / axis.top();
    }
  }

  private static String team(Optional<String> team) {
    return team.map(t -> " data-team=\"" + Html.esc(t) + "\"").orElse("");
  }

  /** Horizontal steps joined by vertical jumps where slots meet; a new subpath after a gap. */
  private String linePath(List<Step> steps, Plot plot) {
    StringBuilder d = new StringBuilder();
    Step previous = null;
    for (Step st : steps) {
      if (Double.isNaN(st.value())) {
        previous = null;
        continue;
      }
      double y = plot.y(st.value());
      if (previous != null && previous.end().equals(st.start())) {
        d.append(String.format(Locale.ROOT, " V%.1f H%.1f", y, x(st.end())));
      } else {
        d.append(String.format(Locale.ROOT, "%sM%.1f %.1f H%.1f", d.length() > 0 ? " " : "", x(st.start()), y, x(st.end())));
      }
      previous = st;
    }
    return d.toString();
  }

  /** For each run of adjacent slots: along the upper steps, back along the lower ones, closed. */
  private String bandPath(Band b, Plot plot) {
    StringBuilder d = new StringBuilder();
    List<Integer> run = new ArrayList<>();
    for (int i = 0; i <= b.upper().size(); i++) {
      boolean usable = i < b.upper().size() && !Double.isNaN(b.upper().get(i).value()) && !Double.isNaN(b.lower().get(i).value());
      boolean joins = usable && !run.isEmpty() && b.upper().get(run.get(run.size() - 1)).end().equals(b.upper().get(i).start());
      if (!run.isEmpty() && !joins) {
        closedRun(d, b, run, plot);
        run.clear();
      }
      if (usable) {
        run.add(i);
      }
    }
    return d.toString();
  }

  private void closedRun(StringBuilder d, Band b, List<Integer> run, Plot plot) {
    Step first = b.upper().get(run.get(0));
    d.append(d.length() > 0 ? " " : "").append(String.format(Locale.ROOT, "M%.1f %.1f", x(first.start()), plot.y(first.value())));
    for (int k = 0; k < run.size(); k++) {
      Step u = b.upper().get(run.get(k));
      d.append(String.format(Locale.ROOT, k == 0 ? " H%.1f" : " V%2$.1f H%1$.1f", x(u.end()), plot.y(u.value())));
    }
    for (int k = run.size() - 1; k >= 0; k--) {
      Step l = b.lower().get(run.get(k));
      d.append(String.format(Locale.ROOT, " V%.1f H%.1f", plot.y(l.value()), x(l.start())));
    }
    d.append(" Z");
  }

  private double x(Instant t) {
    double span = Duration.between(start, end).toMillis();
    return LEFT + (RIGHT - LEFT) * Duration.between(start, t).toMillis() / span;
  }
}
