package io.carbongovernor.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusLineTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final CarbonSignal SIGNAL =
      new CarbonSignal("DE", NOW, NOW.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(231.4),
          SignalKind.AVERAGE, "electricitymaps", false);

  private static TickReport.GpuReport gpu(int index, double targetWatts, LimitOutcome.Status status) {
    Gpu gpu = new Gpu(index, "GPU-" + index, "NVIDIA A40",
        new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
    return new TickReport.GpuReport(gpu, Power.ofWatts(300), Power.ofWatts(targetWatts),
        Optional.of(Power.ofWatts(300)), status, List.of("(default)"), "static", "cap");
  }

  private static TickReport report(Optional<CarbonSignal> signal, Optional<String> failSafe, TickReport.GpuReport... gpus) {
    return new TickReport(NOW, signal, List.of(), failSafe, List.of(gpus), Map.of());
  }

  @Test
  void saysHowManyGpusAreHeldBelowTheirLimitAndTheGridIntensity() {
    TickReport report =
        report(Optional.of(SIGNAL), Optional.empty(),
            gpu(0, 180, LimitOutcome.Status.APPLIED), gpu(1, 300, LimitOutcome.Status.UNCHANGED));

    assertThat(StatusLine.of(Optional.of(report), false))
        .isEqualTo("controlling 2 GPUs (1 below their original limit), grid 231 g/kWh from electricitymaps");
  }

  @Test
  void namesTheFailSafeAndAMissingSignal() {
    TickReport report =
        report(Optional.empty(), Optional.of("no fresh signal"), gpu(0, 200, LimitOutcome.Status.APPLIED));

    assertThat(StatusLine.of(Optional.of(report), false))
        .isEqualTo("fail-safe (no fresh signal): controlling 1 GPU (1 below their original limit), no grid signal");
  }

  @Test
  void shadowModeSaysItOnlyDecides() {
    TickReport report = report(Optional.of(SIGNAL), Optional.empty(), gpu(0, 180, LimitOutcome.Status.SHADOW));

    assertThat(StatusLine.of(Optional.of(report), true))
        .isEqualTo("shadow mode, deciding for 1 GPU, grid 231 g/kWh from electricitymaps");
  }

  @Test
  void beforeTheFirstTickAndAfterAReload() {
    assertThat(StatusLine.of(Optional.empty(), false)).isEqualTo("starting: waiting for the first control tick");
    assertThat(StatusLine.reloaded(true, "controlling 1 GPU")).isEqualTo("configuration reloaded; controlling 1 GPU");
    assertThat(StatusLine.reloaded(false, "controlling 1 GPU"))
        .startsWith("configuration NOT reloaded").endsWith("; controlling 1 GPU");
  }

  @Test
  void aStallIsGivenInUnitsAPersonReads() {
    assertThat(StatusLine.stalled(Duration.ofSeconds(75))).isEqualTo("control loop stalled: no tick completed for 75s");
    assertThat(StatusLine.stalled(Duration.ofMinutes(12))).endsWith("for 12m");
    assertThat(StatusLine.stalled(Duration.ofMinutes(125))).endsWith("for 2h 5m");
  }
}
