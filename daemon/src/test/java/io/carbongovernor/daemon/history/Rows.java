package io.carbongovernor.daemon.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows for the history tests, and what a database holds, read over its own connection. */
final class Rows {

  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  static final Gpu GPU =
      new Gpu(0, "GPU-0", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));

  private Rows() {}

  /** The signal for hour {@code hour} after T0. */
  static CarbonSignal signal(int hour) {
    Instant start = T0.plusSeconds(3600L * hour);
    return new CarbonSignal("DE", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(300 + hour),
        SignalKind.AVERAGE, "em", false);
  }

  /** {@code count} one-second energy rows of GPU 0 from {@code start}, one per second. */
  static List<EnergyRecord> energy(Instant start, int count) {
    List<EnergyRecord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant from = start.plusSeconds(i);
      out.add(new EnergyRecord(from, from.plusSeconds(1), GPU, "team-" + i, "job-" + i, Energy.ofJoules(200),
          Energy.ofJoules(250), Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(200),
          Power.ofWatts(300), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), "default"));
    }
    return out;
  }

  static long count(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }
}
