package io.carbongovernor.daemon.api;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /metrics}: one scrape of the registry, in the Prometheus text format, or OpenMetrics
 * when the scraper's Accept header asks for it.
 */
final class MetricsApi {

  private final PrometheusRegistry registry;
  private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();
  private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

  MetricsApi(PrometheusRegistry registry) {
    this.registry = registry;
  }

  Answer scrape(Optional<String> accept) {
    ExpositionFormatWriter writer = accept.filter(openMetrics::accepts).isPresent() ? openMetrics : text;
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return new Answer(200, writer.getContentType(), out.toByteArray(), Map.of());
  }
}
