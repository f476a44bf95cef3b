package io.carbongovernor.daemon.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signals seen before a restart come back from a real SQLite history. */
class SignalsSeenTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir Path dir;

  private static CarbonSignal slot(int hour, double grams, String source, SignalKind kind) {
    Instant start = T0.plusSeconds(3600L * hour);
    return new CarbonSignal("DE", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(grams), kind, source,
        hour == 2);
  }

  @Test
  void theLastRecordedSignalOfEachSlotComesBackInTimeOrder() {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    try (HistoryStore store = HistoryStore.open(url)) {
      store.recordSignal(T0, slot(0, 300, "em", SignalKind.AVERAGE));
      store.recordSignal(T0.plusSeconds(3600), slot(1, 320, "em", SignalKind.AVERAGE));
      // Slot 1 again, revised by the next source: the later row stands.
      store.recordSignal(T0.plusSeconds(3700), slot(1, 330, "watttime", SignalKind.MARGINAL));
      store.recordSignal(T0.plusSeconds(7200), slot(2, 280, "em", SignalKind.AVERAGE));
    }
    try (HistoryStore reopened = HistoryStore.open(url)) {
      List<CarbonSignal> seen = reopened.signalsSince(T0.plusSeconds(3600));
      assertThat(seen).containsExactly(slot(1, 330, "watttime", SignalKind.MARGINAL), slot(2, 280, "em", SignalKind.AVERAGE));
      assertThat(reopened.signalsSince(T0.minusSeconds(1))).hasSize(3);
      assertThat(reopened.signalsSince(T0.plusSeconds(3 * 3600))).isEmpty();
    }
  }

  @Test
  void slotsRecordedTogetherComeBackLikeSlotsRecordedOneByOne() {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    try (HistoryStore store = HistoryStore.open(url)) {
      store.recordSignal(T0.plusSeconds(7200), slot(3, 290, "em", SignalKind.AVERAGE));
      // Fetched later to fill hours 0 to 2: one write, recorded at one instant.
      store.recordSignals(T0.plusSeconds(7300), List.of(
          slot(0, 300, "em", SignalKind.AVERAGE), slot(1, 320, "em", SignalKind.AVERAGE),
          slot(2, 280, "em", SignalKind.AVERAGE)));
      store.recordSignals(T0.plusSeconds(7400), List.of());
    }
    try (HistoryStore reopened = HistoryStore.open(url)) {
      assertThat(reopened.signalsSince(T0)).containsExactly(slot(0, 300, "em", SignalKind.AVERAGE),
          slot(1, 320, "em", SignalKind.AVERAGE), slot(2, 280, "em", SignalKind.AVERAGE),
          slot(3, 290, "em", SignalKind.AVERAGE));
    }
  }
}
