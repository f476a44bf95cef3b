package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.daemon.history.EnergyRecord;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The HTML report's charts for an hour, a day, a month and a year of history written as the
 * sampler writes it, read back from the SVG as a person reads them: the tick labels (with their
 * units) give the scale, and each series' steps, read through that scale, must show the sums of
 * the rows in each slot. Each page is also left in target/report-charts/ to look at.
 */
class ReportChartsTest {

  private static final Pattern SVG = Pattern.compile("<svg[\\s\\S]*?</svg>");
  private static final Pattern Y_LABEL = Pattern.compile("(\\d+(?:\\.\\d+)?) (g|kg|t|g/kWh|W|s|min|h)");
  private static final Map<String, Double> UNIT = Map.of(
      "g", 1.0, "kg", 1e3, "t", 1e6, "g/kWh", 1.0, "W", 1.0, "s", 1.0, "min", 60.0, "h", 3600.0);
  /** Steps are drawn to a tenth of a pixel, as are the ticks that give the scale. */
  private static final double PIXEL_TOLERANCE = 0.15;

  /** A span of history, the slots its charts must sum into, and the units its figures need. */
  enum Span {
    HOUR("2026-12-06T19:00:00Z", "2026-12-06T20:00:00Z", Duration.ofSeconds(30), ChronoUnit.MINUTES, "HH:mm"),
    DAY("2026-12-06T00:00:00Z", "2026-12-07T00:00:00Z", Duration.ofSeconds(60), ChronoUnit.HOURS, "HH:mm"),
    MONTH("2026-11-07T00:00:00Z", "2026-12-07T00:00:00Z", Duration.ofMinutes(5), ChronoUnit.DAYS, "d MMM"),
    YEAR("2025-12-08T00:00:00Z", "2026-12-07T00:00:00Z", Duration.ofHours(1), ChronoUnit.WEEKS, "MMM");

    final Instant from;
    final Instant to;
    final Duration sample;
    final ChronoUnit slot;
    final Pattern timeLabel;

    Span(String from, String to, Duration sample, ChronoUnit slot, String timeLabel) {
      this.from = Instant.parse(from);
      this.to = Instant.parse(to);
      this.sample = sample;
      this.slot = slot;
      this.timeLabel = Pattern.compile(switch (timeLabel) {
        case "HH:mm" -> "\\d\\d:\\d\\d";
        case "d MMM" -> "\\d{1,2} [A-Z][a-z]{2}";
        default -> "[A-Z][a-z]{2}";
      });
    }

    /** The month's history has two days without the daemon: a gap, not zeros. */
    boolean down(Instant t) {
      return this == MONTH && !t.isBefore(Instant.parse("2026-11-20T00:00:00Z")) && t.isBefore(Instant.parse("2026-11-22T00:00:00Z"));
    }

    Instant slotStart(Instant t) {
      return slot == ChronoUnit.WEEKS
          ? t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant()
          : t.truncatedTo(slot);
    }

    int subpaths() {
      return this == MONTH ? 2 : 1;
    }
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Span.class)
  void eachSpanDrawsLabelledAxesAndTheSumsOfEverySlot(Span span) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    List<EnergyRecord> rows = SyntheticHistory.write(url, span.from, span.to, span.sample, span::down);
    // The report of the days with history, as a user asks for it.
    LocalDate last = LocalDate.ofInstant(span.to.minusMillis(1), ZoneOffset.UTC);
    ReportRange range = ReportRange.parse(Optional.of(LocalDate.ofInstant(span.from, ZoneOffset.UTC).toString()),
        Optional.of(last.toString()), last);
    Report report = ReportQuery.run(url, range, Optional.empty(), Optional.empty(), Breakdown.TEAM);
    String html = ReportFormat.HTML.render(report);
    Path pages = Path.of("target", "report-charts");
    Files.createDirectories(pages);
    Files.writeString(pages.resolve("report-" + span.name().toLowerCase(Locale.ROOT) + ".html"), html);

    List<Chart> charts = new ArrayList<>();
    Matcher m = SVG.matcher(html);
    while (m.find()) {
      charts.add(new Chart(m.group()));
    }
    assertThat(html).doesNotContain("<script", "src=", "<link", "url(", "<img");
    Map<Instant, List<EnergyRecord>> slots = new TreeMap<>();
    for (EnergyRecord r : rows) {
      slots.computeIfAbsent(span.slotStart(r.start()), k -> new ArrayList<>()).add(r);
    }

    Chart intensity = chart(charts, "intensity");
    intensity.checkAxes(span, "g/kWh");
    intensity.checkSteps(span, "intensity", null, slots,
        rs -> sum(rs, r -> r.emissionsGrams().orElse(0.0)) / sum(rs, r -> r.energy().kilowattHours()));
    Chart limit = chart(charts, "limit");
    limit.checkAxes(span, "W");
    limit.checkSteps(span, "limit", null, slots,
        rs -> sum(rs, r -> r.limit().watts() * r.busy().toMillis()) / sum(rs, r -> r.busy().toMillis()));

    for (String team : List.of("vision", "nlp", EnergyRecord.IDLE)) {
      Chart c = charts.stream().filter(ch -> ch.id().equals("emissions") && ch.teams().contains(team)).findFirst().orElseThrow();
      Predicate<EnergyRecord> of = r -> r.team().equals(team);
      double most = slots.values().stream()
          .mapToDouble(rs -> sum(rs.stream().filter(of).toList(), r -> r.baselineGrams().orElse(0.0))).max().orElseThrow();
      // Grams below a kilogram, kilograms below a tonne.
      String unit = most < 1e3 ? "g" : most < 1e6 ? "kg" : "t";
      c.checkAxes(span, unit);
      if (team.equals("vision")) {
        assertThat(unit).isEqualTo(span == Span.HOUR || span == Span.DAY ? "g" : "kg");
      }
      List<String> baseline = c.checkSteps(span, "baseline", team, slots,
          rs -> sum(rs.stream().filter(of).toList(), r -> r.baselineGrams().orElse(0.0)));
      List<String> emissions = c.checkSteps(span, "emissions", team, slots,
          rs -> sum(rs.stream().filter(of).toList(), r -> r.emissionsGrams().orElse(0.0)));
      // Avoided: the area between the two, over every slot.
      Set<String> both = new LinkedHashSet<>(baseline);
      both.addAll(emissions);
      assertThat(new LinkedHashSet<>(Steps.parse(c.path("avoided", team)).horizontal())).as(team + " avoided").isEqualTo(both);
    }

    Chart time = chart(charts, "time-cost");
    double longest = slots.values().stream()
        .flatMap(rs -> rs.stream().collect(Collectors.groupingBy(EnergyRecord::team,
            Collectors.summingDouble(r -> r.extra().toMillis() / 1000.0))).values().stream())
        .mapToDouble(Double::doubleValue).max().orElseThrow();
    // Seconds below two minutes, minutes below two hours.
    String timeUnit = longest < 120 ? "s" : longest < 7200 ? "min" : "h";
    time.checkAxes(span, timeUnit);
    assertThat(timeUnit).isEqualTo(switch (span) {
      case HOUR -> "s";
      case DAY -> "min";
      default -> "h";
    });
    for (String team : List.of("vision", "nlp")) {
      double extra = sum(rows.stream().filter(r -> r.team().equals(team)).toList(), r -> r.extra().toMillis());
      if (span == Span.HOUR || extra > 0) {
        assertThat(extra).as(team + " was slowed down").isPositive();
        time.checkSteps(span, "extra-time", team, slots,
            rs -> sum(rs.stream().filter(r -> r.team().equals(team)).toList(), r -> r.extra().toMillis() / 1000.0));
      }
    }
  }

  @Test
  void aSingleSampleIsOneStepBetweenLabelledTimes() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    Instant t = Instant.parse("2026-12-06T19:00:00Z");
    SyntheticHistory.write(url, t, t.plusSeconds(5), Duration.ofSeconds(5), x -> false);
    String html = ReportFormat.HTML.render(ReportQuery.run(url, ReportRange.parse(Optional.of("2026-12-06"), Optional.of("2026-12-06"),
        LocalDate.parse("2026-12-06")), Optional.empty(), Optional.empty(), Breakdown.TEAM));
    Matcher m = SVG.matcher(html);
    assertThat(m.find()).isTrue();
    Chart intensity = new Chart(m.group());
    assertThat(intensity.id()).isEqualTo("intensity");
    assertThat(intensity.withClass("text", "x-tick")).extracting(Element::getTextContent).containsExactly("19:00", "19:01");
    Steps steps = Steps.parse(intensity.path("intensity", null));
    assertThat(steps.segments()).hasSize(1);
    assertThat(steps.segments().get(0).x0()).isCloseTo(intensity.x(t), within(PIXEL_TOLERANCE));
    assertThat(steps.segments().get(0).x1()).isCloseTo(intensity.x(t.plusSeconds(60)), within(PIXEL_TOLERANCE));
    assertThat(intensity.value(steps.segments().get(0).y()))
        .isCloseTo(SyntheticHistory.intensity(t), within(PIXEL_TOLERANCE * intensity.perPixel()));
  }

  private static Chart chart(List<Chart> charts, String id) {
    return charts.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no chart " + id));
  }

  private static double sum(List<EnergyRecord> rows, ToDoubleFunction<EnergyRecord> f) {
    return rows.stream().mapToDouble(f).sum();
  }

  /** One SVG chart, parsed as XML. */
  private record Chart(Element svg) {

    Chart(String text) throws Exception {
      this(parse(text));
    }

    private static Element parse(String text) throws Exception {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
      return d.getDocumentElement();
    }

    String id() {
      return svg.getAttribute("data-chart");
    }

    Set<String> teams() {
      Set<String> teams = new LinkedHashSet<>();
      for (Element p : elements("path")) {
        teams.add(p.getAttribute("data-team"));
      }
      return teams;
    }

    String path(String series, String team) {
      return elements("path").stream()
          .filter(p -> p.getAttribute("data-series").equals(series) && (team == null || p.getAttribute("data-team").equals(team)))
          .findFirst().orElseThrow(() -> new AssertionError(id() + " has no " + series + " path for " + team)).getAttribute("d");
    }

    List<Element> elements(String name) {
      NodeList nodes = svg.getElementsByTagName(name);
      List<Element> list = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        list.add((Element) nodes.item(i));
      }
      return list;
    }

    List<Element> withClass(String name, String cls) {
      return elements(name).stream().filter(e -> e.getAttribute("class").equals(cls)).toList();
    }

    /** The value a height on the chart stands for, from the y axis' labels. */
    double value(double y) {
      List<Element> lines = withClass("line", "y-grid");
      List<Element> labels = withClass("text", "y-tick");
      double y0 = Double.parseDouble(lines.get(0).getAttribute("y1"));
      double y1 = Double.parseDouble(lines.get(lines.size() - 1).getAttribute("y1"));
      return labelValue(labels.get(0)) + (y - y0) * (labelValue(labels.get(labels.size() - 1)) - labelValue(labels.get(0))) / (y1 - y0);
    }

    /** The value one pixel stands for. */
    double perPixel() {
      return Math.abs(value(0) - value(1));
    }

    /** Where an instant is on the chart, from the x axis' labelled times. */
    double x(Instant t) {
      List<Element> ticks = withClass("text", "x-tick");
      Element a = ticks.get(0);
      Element b = ticks.get(ticks.size() - 1);
      double xa = Double.parseDouble(a.getAttribute("x"));
      double xb = Double.parseDouble(b.getAttribute("x"));
      long ta = Instant.parse(a.getAttribute("data-time")).toEpochMilli();
      long tb = Instant.parse(b.getAttribute("data-time")).toEpochMilli();
      return xa + (t.toEpochMilli() - ta) * (xb - xa) / (tb - ta);
    }

    private static double labelValue(Element text) {
      Matcher m = Y_LABEL.matcher(text.getTextContent());
      assertThat(m.matches()).as("y label '%s'", text.getTextContent()).isTrue();
      return Double.parseDouble(m.group(1)) * UNIT.get(m.group(2));
    }

    /** Labelled value and time axes: values from 0 in one unit, times round and in order. */
    void checkAxes(Span span, String unit) {
      List<Element> labels = withClass("text", "y-tick");
      assertThat(labels).as(id() + " y ticks").hasSizeGreaterThanOrEqualTo(3);
      assertThat(labels.get(0).getTextContent()).as(id()).isEqualTo("0 " + unit);
      double previous = -1;
      for (Element l : labels) {
        Matcher m = Y_LABEL.matcher(l.getTextContent());
        assertThat(m.matches()).as(id() + " y label " + l.getTextContent()).isTrue();
        assertThat(m.group(2)).as(id() + " unit").isEqualTo(unit);
        assertThat(Double.parseDouble(m.group(1))).isGreaterThan(previous);
        previous = Double.parseDouble(m.group(1));
      }
      List<Element> times = withClass("text", "x-tick");
      assertThat(times).as(id() + " time labels").hasSizeBetween(3, 13);
      double lastX = -1;
      for (Element t : times) {
        String label = t.getTextContent();
        assertThat(label).as(id() + " time label").matches(span.timeLabel);
        Instant at = Instant.parse(t.getAttribute("data-time"));
        String expected = DateTimeFormatter.ofPattern(switch (span) {
          case HOUR, DAY -> "HH:mm";
          case MONTH -> "d MMM";
          case YEAR -> "MMM";
        }, Locale.ROOT).withZone(ZoneOffset.UTC).format(at);
        assertThat(label).as("the label of " + at).isEqualTo(expected);
        double x = Double.parseDouble(t.getAttribute("x"));
        assertThat(x).isGreaterThan(lastX);
        lastX = x;
      }
      assertThat(withClass("text", "x-caption")).extracting(Element::getTextContent).containsExactly("time (UTC)");
    }

    /**
     * The series' steps, one per slot with history, at the slot's times and at the height of
     * {@code expected} of the slot's rows; returns its horizontal segments.
     */
    List<String> checkSteps(Span span, String series, String team, Map<Instant, List<EnergyRecord>> slots,
        Function<List<EnergyRecord>, Double> expected) {
      Steps steps = Steps.parse(path(series, team));
      String what = id() + " " + series + (team == null ? "" : " of " + team);
      assertThat(steps.subpaths()).as(what + " runs").isEqualTo(span.subpaths());
      assertThat(steps.segments()).as(what + " steps").hasSize(slots.size());
      int i = 0;
      Instant first = span.from;
      for (Map.Entry<Instant, List<EnergyRecord>> e : slots.entrySet()) {
        Steps.Segment s = steps.segments().get(i++);
        Instant start = e.getKey().isBefore(first) ? first : e.getKey();
        Instant end = e.getKey().plus(span.slot.getDuration());
        end = end.isAfter(span.to) ? span.to : end;
        assertThat(s.x0()).as(what + " start of " + start).isCloseTo(x(start), within(PIXEL_TOLERANCE));
        assertThat(s.x1()).as(what + " end of " + start).isCloseTo(x(end), within(PIXEL_TOLERANCE));
        assertThat(value(s.y())).as(what + " at " + start)
            .isCloseTo(expected.apply(e.getValue()), within(PIXEL_TOLERANCE * perPixel()));
      }
      return steps.horizontal();
    }
  }

  /** An SVG path of M, H, V and Z commands, as its horizontal segments. */
  private record Steps(int subpaths, List<Segment> segments) {

    record Segment(double x0, double x1, double y) {
      String key() {
        return Math.min(x0, x1) + "|" + Math.max(x0, x1) + "|" + y;
      }
    }

    static Steps parse(String d) {
      Matcher m = Pattern.compile("([MHVZ])\\s*(-?[\\d.]+)?(?:\\s+(-?[\\d.]+))?").matcher(d);
      List<Segment> segments = new ArrayList<>();
      int subpaths = 0;
      double x = 0;
      double y = 0;
      while (m.find()) {
        switch (m.group(1)) {
          case "M" -> {
            subpaths++;
            x = Double.parseDouble(m.group(2));
            y = Double.parseDouble(m.group(3));
          }
          case "H" -> {
            double to = Double.parseDouble(m.group(2));
            segments.add(new Segment(x, to, y));
            x = to;
          }
          case "V" -> y = Double.parseDouble(m.group(2));
          default -> { }
        }
      }
      return new Steps(subpaths, segments);
    }

    List<String> horizontal() {
      return segments.stream().map(Segment::key).toList();
    }
  }
}
