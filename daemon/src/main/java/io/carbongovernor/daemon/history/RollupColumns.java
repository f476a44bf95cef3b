package io.carbongovernor.daemon.history;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.policy.batch.Emissions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The rollup columns every backend sums alike, and how their sums read back typed. */
public final class RollupColumns {

  /** The sums of a group of rollup rows, in the order {@link #sums} reads them; zero for none. */
  public static final String SUMS =
      "coalesce(sum(samples),0), coalesce(sum(energy_mj),0), coalesce(sum(baseline_mj),0),"
          + " coalesce(sum(emissions_g),0), coalesce(sum(baseline_g),0), coalesce(sum(unknown_energy_mj),0),"
          + " coalesce(sum(limit_mw_ms),0), coalesce(sum(busy_ms),0), coalesce(sum(extra_ms),0),"
          + " coalesce(sum(throttled_ms),0)";

  /** The summed columns, for copying rows from one rollup into another. */
  public static final List<String> SUMMED = List.of("samples", "energy_mj", "baseline_mj", "emissions_g",
      "baseline_g", "unknown_energy_mj", "limit_mw_ms", "busy_ms", "extra_ms", "throttled_ms");

  private RollupColumns() {}

  /** The {@link #SUMS} starting at column {@code c}. */
  public static RollupSums sums(ResultSet rs, int c) throws SQLException {
    return new RollupSums(
        rs.getLong(c),
        Energy.ofMillijoules(rs.getLong(c + 1)),
        Energy.ofMillijoules(rs.getLong(c + 2)),
        Emissions.ofGrams(rs.getDouble(c + 3)),
        Emissions.ofGrams(rs.getDouble(c + 4)),
        Energy.ofMillijoules(rs.getLong(c + 5)),
        rs.getDouble(c + 6),
        Duration.ofMillis(rs.getLong(c + 7)),
        Duration.ofMillis(rs.getLong(c + 8)),
        Duration.ofMillis(rs.getLong(c + 9)));
  }

  /** GPU indices as a backend concatenates them ({@code 0,2}), lowest first. */
  public static List<Integer> indices(String concatenated) {
    if (concatenated == null || concatenated.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(concatenated.split(",")).map(Integer::valueOf).sorted().toList();
  }
}
