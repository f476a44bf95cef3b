package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The chart's layout where the data is awkward: many teams, missing figures, hostile names. */
class StepChartTest {

  private static final Instant T = Instant.parse("2026-12-06T00:00:00Z");

  private static List<StepChart.Step> hours(double... values) {
    List<StepChart.Step> steps = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      steps.add(new StepChart.Step(T.plus(Duration.ofHours(i)), T.plus(Duration.ofHours(i + 1)), values[i]));
    }
    return steps;
  }

  private static Element parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg))).getDocumentElement();
  }

  private static List<Element> all(Element root, String tag) {
    NodeList n = root.getElementsByTagName(tag);
    List<Element> list = new ArrayList<>();
    for (int i = 0; i < n.getLength(); i++) {
      list.add((Element) n.item(i));
    }
    return list;
  }

  @Test
  void aLongLegendWrapsAboveThePlotInsideTheChart() throws Exception {
    StepChart chart = new StepChart("time-cost", "t", "extra GPU time per hour", ValueAxis.Quantity.TIME, T, T.plus(Duration.ofHours(3)), 220);
    for (int i = 0; i < 12; i++) {
      chart.line(new StepChart.Series("team-with-a-long-name-" + i, "extra-time", Optional.of("team-" + i), "#333", false, hours(i, i + 1, i + 2)));
    }
    Element svg = parse(chart.svg());
    double plotTop = all(svg, "line").stream().filter(l -> l.getAttribute("class").equals("y-grid"))
        .mapToDouble(l -> Double.parseDouble(l.getAttribute("y1"))).min().orElseThrow();
    Element legend = all(svg, "g").stream().filter(g -> g.getAttribute("class").equals("legend")).findFirst().orElseThrow();
    List<Element> names = all(legend, "text");
    assertThat(names).hasSize(12);
    for (Element name : names) {
      assertThat(Double.parseDouble(name.getAttribute("y"))).as(name.getTextContent()).isLessThan(plotTop);
      assertThat(Double.parseDouble(name.getAttribute("x"))).isBetween(0.0, (double) StepChart.WIDTH);
    }
    assertThat(names.stream().map(n -> n.getAttribute("y")).distinct().count()).isGreaterThan(1);
    assertThat(Double.parseDouble(svg.getAttribute("height"))).isGreaterThan(220);
  }

  @Test
  void aMissingFigureIsAGapAndNamesAreEscaped() throws Exception {
    String svg = new StepChart("emissions", "CO2e of <team>", "CO2e per hour", ValueAxis.Quantity.MASS, T, T.plus(Duration.ofHours(4)), 220)
        .line(new StepChart.Series("emissions", "emissions", Optional.of("a\"<b>&\u0007"), "#d95f02", false, hours(10, Double.NaN, 30, 40)))
        .svg();
    Element root = parse(svg);
    Element path = all(root, "path").get(0);
    assertThat(path.getAttribute("data-team")).isEqualTo("a\"<b>&?");
    assertThat(path.getAttribute("d").chars().filter(c -> c == 'M').count()).isEqualTo(2);
    assertThat(all(root, "text").stream().filter(t -> t.getAttribute("class").equals("y-tick")).map(Element::getTextContent))
        .contains("0 g", "40 g");
  }
}
