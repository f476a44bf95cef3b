package io.carbongovernor.bench.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Zeus's {@code summary_train.csv}: for each workload, target metric and batch size, the epoch at
 * which each repetition (run seed) first reached the target, or empty where it never did.
 */
final class TrainingPaths {

  private static final List<String> COLUMNS =
      List.of("dataset", "network", "batch_size", "optimizer", "run", "target_metric", "target_epoch");

  /** "workload|optimizer|target" -> batch size -> epochs to target per run, in file order. */
  private final Map<String, TreeMap<Integer, List<OptionalInt>>> paths;

  private TrainingPaths(Map<String, TreeMap<Integer, List<OptionalInt>>> paths) {
    this.paths = paths;
  }

  static TrainingPaths read(Path file) throws IOException {
    Map<String, TreeMap<Integer, List<OptionalInt>>> paths = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new IOException(file + ": empty file");
      }
      List<String> names = List.of(header.strip().split(","));
      int[] at = new int[COLUMNS.size()];
      for (int c = 0; c < at.length; c++) {
        at[c] = names.indexOf(COLUMNS.get(c));
        if (at[c] < 0) {
          throw new IOException(file + ":1: missing column " + COLUMNS.get(c));
        }
      }
      String line;
      int number = 1;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.strip().split(",", -1);
        if (f.length != names.size()) {
          throw new IOException(file + ":" + number + ": expected " + names.size() + " columns, got " + f.length);
        }
        try {
          String key = key(f[at[0]] + "/" + f[at[1]], f[at[3]], Double.parseDouble(f[at[5]]));
          int batchSize = Integer.parseInt(f[at[2]]);
          String epoch = f[at[6]].strip();
          OptionalInt target = epoch.equalsIgnoreCase("nan") ? OptionalInt.empty()
              : OptionalInt.of((int) Math.round(Double.parseDouble(epoch)));
          paths.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(batchSize, b -> new ArrayList<>()).add(target);
        } catch (NumberFormatException e) {
          throw new IOException(file + ":" + number + ": " + e.getMessage(), e);
        }
      }
    }
    return new TrainingPaths(paths);
  }

  /** Batch sizes with at least one run for this workload and target. */
  SortedSet<Integer> batchSizes(String workload, String optimizer, double target) {
    return new TreeSet<>(byBatchSize(workload, optimizer, target).keySet());
  }

  /** Epochs to target of every run at this batch size (empty: never reached). */
  List<OptionalInt> runs(String workload, String optimizer, double target, int batchSize) {
    List<OptionalInt> runs = byBatchSize(workload, optimizer, target).get(batchSize);
    if (runs == null) {
      throw new IllegalArgumentException("no training runs for " + workload + " at batch size " + batchSize);
    }
    return runs;
  }

  private TreeMap<Integer, List<OptionalInt>> byBatchSize(String workload, String optimizer, double target) {
    TreeMap<Integer, List<OptionalInt>> found = paths.get(key(workload, optimizer, target));
    if (found == null) {
      throw new IllegalArgumentException("no training runs for " + workload + " (" + optimizer + ") at target " + target);
    }
    return found;
  }

  private static String key(String workload, String optimizer, double target) {
    return workload + "|" + optimizer + "|" + target;
  }
}
