package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the last tick saw and did, published whole for the API and status to read without
 * touching the GPUs or the sources.
 *
 * @param failSafe why the fail-safe applied, when it did
 * @param batchSizeByTeam the batch size each team's policy recommends (key {@code (default)}: the
 *     default policy), when it recommends one
 */
public record TickReport(
    Instant at,
    Optional<CarbonSignal> signal,
    List<CarbonSignal> forecast,
    Optional<String> failSafe,
    List<GpuReport> gpus,
    Map<String, OptionalInt> batchSizeByTeam) {

  /** One GPU's part of a tick; {@code teams} holds team names and {@code (default)}. */
  public record GpuReport(
      Gpu gpu,
      Power originalLimit,
      Power target,
      Optional<Power> limitBefore,
      LimitOutcome.Status outcome,
      List<String> teams,
      String policy,
      String reason) {

    /** The limit the GPU runs at after this tick, as far as the daemon knows. */
    public Optional<Power> limitNow() {
      return outcome == LimitOutcome.Status.APPLIED ? Optional.of(target) : limitBefore;
    }
  }

  public TickReport {
    forecast = List.copyOf(forecast);
    gpus = List.copyOf(gpus);
    batchSizeByTeam = Map.copyOf(batchSizeByTeam);
  }

  public Optional<GpuReport> gpu(String uuid) {
    return gpus.stream().filter(g -> g.gpu().uuid().equals(uuid)).findFirst();
  }
}
