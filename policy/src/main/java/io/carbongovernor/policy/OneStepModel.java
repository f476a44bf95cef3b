package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Chase's one-step carbon model on recent history: the next slot's intensity regressed on the
 * time of day (sine and cosine) and the previous slot's intensity, fitted on the last day of
 * slots. Chase fits an RBF support-vector regression on these features; this fits them by least
 * squares (with a tiny ridge), which needs no library and keeps the same inputs.
 */
final class OneStepModel {

  private static final double SECONDS_PER_DAY = 86_400;
  private static final double RIDGE = 1e-6;

  private OneStepModel() {}

  /** The predicted intensity of the slot starting at {@code at}, or empty with too little history. */
  static Optional<Double> predict(List<CarbonSignal> history, Instant at) {
    int n = history.size();
    if (n == 0) {
      return Optional.empty();
    }
    double last = history.get(n - 1).intensity().gramsPerKwh();
    Duration slot = history.get(n - 1).length();
    long perDay = Math.max(1, Duration.ofDays(1).dividedBy(slot));
    int from = (int) Math.max(1, n - perDay);
    int samples = n - from;
    if (samples < 8) {
      return Optional.of(last); // too little to fit: persistence
    }
    double[][] a = new double[4][4];
    double[] b = new double[4];
    double[] x = new double[4];
    for (int i = from; i < n; i++) {
      features(history.get(i).start(), history.get(i - 1).intensity().gramsPerKwh(), x);
      double y = history.get(i).intensity().gramsPerKwh();
      for (int r = 0; r < 4; r++) {
        b[r] += x[r] * y;
        for (int c = 0; c < 4; c++) {
          a[r][c] += x[r] * x[c];
        }
      }
    }
    for (int r = 0; r < 4; r++) {
      a[r][r] += RIDGE * samples;
    }
    double[] w = solve(a, b);
    if (w == null) {
      return Optional.of(last);
    }
    features(at, last, x);
    double y = 0;
    for (int r = 0; r < 4; r++) {
      y += w[r] * x[r];
    }
    return Optional.of(Math.max(0, y));
  }

  private static void features(Instant at, double previous, double[] x) {
    double phase = 2 * Math.PI * Math.floorMod(at.getEpochSecond(), (long) SECONDS_PER_DAY) / SECONDS_PER_DAY;
    x[0] = 1;
    x[1] = Math.sin(phase) * 100;
    x[2] = Math.cos(phase) * 100;
    x[3] = previous;
  }

  /** Gaussian elimination with partial pivoting; null when singular. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(a[pivot][col]) < 1e-12) {
        return null;
      }
      double[] row = a[col];
      a[col] = a[pivot];
      a[pivot] = row;
      double t = b[col];
      b[col] = b[pivot];
      b[pivot] = t;
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c < n; c++) {
          a[r][c] -= f * a[col][c];
        }
        b[r] -= f * b[col];
      }
    }
    double[] w = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int c = r + 1; c < n; c++) {
        s -= a[r][c] * w[c];
      }
      w[r] = s / a[r][r];
    }
    return w;
  }
}
