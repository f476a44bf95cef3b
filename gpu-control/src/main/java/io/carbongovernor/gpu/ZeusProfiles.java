package io.carbongovernor.gpu;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workload profiles from the Zeus NSDI'23 {@code summary_power_<gpu>.csv} traces (columns {@code
 * dataset,network,batch_size,optimizer,power_limit,time_per_epoch,average_power}; watts and
 * seconds). Workloads are named {@code dataset/network}, e.g. {@code imagenet/resnet50}.
 *
 * <p>Where the file measured one workload with several optimizers (V100 cifar100/shufflenetv2:
 * adadelta and adam), {@link #profile(String, int)} uses the one listed first, which is the one
 * Zeus's own simulator trains with. Immutable and thread-safe.
 */
public final class ZeusProfiles {

  /** The largest profile file read; Zeus's own are about 30 KiB. */
  public static final ByteSize MAX_FILE = ByteSize.ofMebibytes(16);

  private static final List<String> BUNDLED = List.of("a40", "v100");
  private static final Map<String, ZeusProfiles> BUNDLED_CACHE = new ConcurrentHashMap<>();
  private static final List<String> COLUMNS =
      List.of("dataset", "network", "batch_size", "optimizer", "power_limit", "time_per_epoch", "average_power");

  private final String family;
  /** workload -> batch size -> optimizer (first listed first) -> points. */
  private final Map<String, TreeMap<Integer, LinkedHashMap<String, List<PowerProfile.Point>>>> data;

  private ZeusProfiles(String family, Map<String, TreeMap<Integer, LinkedHashMap<String, List<PowerProfile.Point>>>> data) {
    this.family = family;
    this.data = data;
  }

  /** The GPU families bundled with this library: {@code a40} and {@code v100}. */
  public static List<String> bundledFamilies() {
    return BUNDLED;
  }

  /** The bundled copy of Zeus's trace for a GPU family ({@code a40} or {@code v100}). */
  public static ZeusProfiles bundled(String family) {
    String f = family.toLowerCase(Locale.ROOT);
    if (!BUNDLED.contains(f)) {
      throw new IllegalArgumentException(
          "no bundled Zeus profiles for GPU family '" + family + "'; available: " + String.join(", ", BUNDLED));
    }
    return BUNDLED_CACHE.computeIfAbsent(f, ZeusProfiles::loadBundled);
  }

  private static ZeusProfiles loadBundled(String family) {
    String name = "profiles/summary_power_" + family + ".csv";
    InputStream in = ZeusProfiles.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("bundled resource missing: " + name);
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(reader, "summary_power_" + family + ".csv", family);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled " + name, e);
    }
  }

  /**
   * Reads a {@code summary_power} file. The GPU family for source labels is taken from a name of
   * the form {@code summary_power_<family>.csv}, else the file name without extension.
   */
  public static ZeusProfiles read(Path file) {
    String name = file.getFileName().toString();
    String family = name.replaceFirst("^summary_power_", "").replaceFirst("\\.csv$", "");
    return read(file, family);
  }

  /**
   * Reads a {@code summary_power} file measured on {@code family} (used in source labels).
   *
   * @throws UncheckedIOException when the file cannot be read, and with the file and what it is
   *     when it is no regular file or larger than {@link #MAX_FILE}
   * @throws ProfileFormatException when its content is not a profile
   */
  public static ZeusProfiles read(Path file, String family) {
    try (Reader reader = InputFiles.newReader(file, MAX_FILE)) {
      return parse(reader, file.toString(), family);
    } catch (UnsuitableFileException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static ZeusProfiles parse(Reader reader, String file, String family) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    String header = lines.readLine();
    if (header == null) {
      throw new ProfileFormatException(file, 1, "empty file, expected header " + String.join(",", COLUMNS));
    }
    String[] names = header.strip().split(",", -1);
    int[] index = new int[COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      index[c] = List.of(names).indexOf(COLUMNS.get(c));
      if (index[c] < 0) {
        throw new ProfileFormatException(file, 1, "missing column '" + COLUMNS.get(c) + "' in header: " + header.strip());
      }
    }
    Map<String, TreeMap<Integer, LinkedHashMap<String, List<PowerProfile.Point>>>> data = new TreeMap<>();
    Map<String, Integer> seen = new HashMap<>();
    String line;
    int number = 1;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split(",", -1);
      if (f.length != names.length) {
        throw new ProfileFormatException(file, number, "expected " + names.length + " columns, got " + f.length);
      }
      String workload = normal(f[index[0]].strip() + "/" + f[index[1]].strip());
      int batchSize = (int) number(f[index[2]], "batch_size", file, number, true);
      String optimizer = f[index[3]].strip();
      if (workload.startsWith("/") || workload.endsWith("/") || optimizer.isEmpty()) {
        throw new ProfileFormatException(file, number, "dataset, network and optimizer must not be empty");
      }
      double limitWatts = number(f[index[4]], "power_limit", file, number, true);
      double seconds = number(f[index[5]], "time_per_epoch", file, number, true);
      double watts = number(f[index[6]], "average_power", file, number, false);
      if (batchSize != Double.parseDouble(f[index[2]].strip())) {
        throw new ProfileFormatException(file, number, "batch_size must be a whole number, got '" + f[index[2]] + "'");
      }
      String key = workload + "|" + batchSize + "|" + optimizer + "|" + limitWatts;
      Integer previous = seen.putIfAbsent(key, number);
      if (previous != null) {
        throw new ProfileFormatException(file, number, "duplicate power_limit " + limitWatts + " W for "
            + workload + " batch_size=" + batchSize + " optimizer=" + optimizer + " (first on line " + previous + ")");
      }
      data.computeIfAbsent(workload, w -> new TreeMap<>())
          .computeIfAbsent(batchSize, b -> new LinkedHashMap<>())
          .computeIfAbsent(optimizer, o -> new ArrayList<>())
          .add(new PowerProfile.Point(Power.ofWatts(limitWatts),
              Duration.ofNanos(Math.round(seconds * 1e9)), Power.ofWatts(watts)));
    }
    if (data.isEmpty()) {
      throw new ProfileFormatException(file, number, "no data rows");
    }
    return new ZeusProfiles(family.toLowerCase(Locale.ROOT), data);
  }

  private static double number(String text, String column, String file, int line, boolean positive) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(file, line, column + " is not a number: '" + text + "'");
    }
    if (!Double.isFinite(value) || value < 0 || (positive && value == 0)) {
      throw new ProfileFormatException(file, line, column + " must be " + (positive ? "positive" : "non-negative")
          + ", got '" + text + "'");
    }
    return value;
  }

  /** The GPU family these measurements were taken on, e.g. {@code a40}. */
  public String family() {
    return family;
  }

  /** Every workload, as {@code dataset/network}, sorted. */
  public SortedSet<String> workloads() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(data.keySet()));
  }

  /** The batch sizes measured for a workload, ascending. */
  public SortedSet<Integer> batchSizes(String workload) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(sizes(workload).keySet()));
  }

  /** The optimizers measured for a workload and batch size, the default first. */
  public List<String> optimizers(String workload, int batchSize) {
    return List.copyOf(optimizerPoints(workload, batchSize).keySet());
  }

  /** The profile of a workload at a batch size, with its default (first listed) optimizer. */
  public PowerProfile profile(String workload, int batchSize) {
    var byOptimizer = optimizerPoints(workload, batchSize);
    String optimizer = byOptimizer.keySet().iterator().next();
    return build(workload, batchSize, optimizer, byOptimizer);
  }

  /** The profile of a workload at a batch size trained with a given optimizer. */
  public PowerProfile profile(String workload, int batchSize, String optimizer) {
    Objects.requireNonNull(optimizer, "optimizer");
    var byOptimizer = optimizerPoints(workload, batchSize);
    if (!byOptimizer.containsKey(optimizer)) {
      throw new IllegalArgumentException("no optimizer '" + optimizer + "' for " + normal(workload) + " batch size "
          + batchSize + " in zeus:" + family + "; available: " + String.join(", ", byOptimizer.keySet()));
    }
    return build(workload, batchSize, optimizer, byOptimizer);
  }

  private PowerProfile build(String workload, int batchSize, String optimizer,
      LinkedHashMap<String, List<PowerProfile.Point>> byOptimizer) {
    String label = "zeus:" + family + " " + normal(workload) + " bs=" + batchSize;
    if (byOptimizer.size() > 1) {
      label += " " + optimizer;
    }
    return PowerProfile.of(label, byOptimizer.get(optimizer));
  }

  private TreeMap<Integer, LinkedHashMap<String, List<PowerProfile.Point>>> sizes(String workload) {
    var sizes = data.get(normal(workload));
    if (sizes == null) {
      throw new IllegalArgumentException("unknown workload '" + workload + "' in zeus:" + family
          + "; available: " + String.join(", ", data.keySet()));
    }
    return sizes;
  }

  private LinkedHashMap<String, List<PowerProfile.Point>> optimizerPoints(String workload, int batchSize) {
    var sizes = sizes(workload);
    var byOptimizer = sizes.get(batchSize);
    if (byOptimizer == null) {
      throw new IllegalArgumentException("no batch size " + batchSize + " for " + normal(workload)
          + " in zeus:" + family + "; available: " + sizes.keySet());
    }
    return byOptimizer;
  }

  private static String normal(String workload) {
    return workload.strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "ZeusProfiles[" + family + ", workloads=" + data.keySet() + "]";
  }
}
