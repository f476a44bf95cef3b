package io.carbongovernor.bench.api;

import java.util.Arrays;
import java.util.Locale;

/** Latencies in nanoseconds, summarised in milliseconds. */
final class Latencies {

  private final long[] nanos;
  private int size;

  Latencies(int capacity) {
    nanos = new long[capacity];
  }

  void add(long n) {
    nanos[size++] = n;
  }

  int count() {
    return size;
  }

  double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
  }

  double maxMs() {
    return percentileMs(100);
  }

  String summary() {
    return String.format(
        Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d requests)", percentileMs(50), percentileMs(99), maxMs(), size);
  }
}
