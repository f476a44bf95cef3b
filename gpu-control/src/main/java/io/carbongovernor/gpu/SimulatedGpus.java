package io.carbongovernor.gpu;

import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Creates simulated GPUs that each run one workload at 100 % utilisation.
 *
 * <p>Model: a GPU draws {@code min(profile.averagePowerAt(limit), limit)}; its energy counter is
 * that power integrated over the injected clock, piecewise constant between operations; its SM
 * clock is the model's maximum clock times the profile's relative throughput at the limit (capped
 * at the maximum), a stand-in for DVFS good enough for progress proxies. UUIDs are deterministic:
 * {@code GPU-5a5a0000-0000-4000-8000-00000000000N} for index N.
 */
public final class SimulatedGpus {

  /** The GPU models we can simulate, with their NVML constraints and default limits. */
  public enum Model {
    A40("a40", "NVIDIA A40 (simulated)", 100, 300, 300, 1740),
    V100("v100", "Tesla V100 (simulated)", 100, 250, 250, 1530);

    private final String id;
    private final String displayName;
    private final PowerConstraints constraints;
    private final Power defaultLimit;
    private final int maxSmClockMhz;

    Model(String id, String displayName, int minWatts, int maxWatts, int defaultWatts, int maxSmClockMhz) {
      this.id = id;
      this.displayName = displayName;
      this.constraints = new PowerConstraints(Power.ofWatts(minWatts), Power.ofWatts(maxWatts));
      this.defaultLimit = Power.ofWatts(defaultWatts);
      this.maxSmClockMhz = maxSmClockMhz;
    }

    /** The config name, e.g. {@code a40}; also the family of its bundled Zeus profiles. */
    public String id() {
      return id;
    }

    public String displayName() {
      return displayName;
    }

    public PowerConstraints constraints() {
      return constraints;
    }

    public Power defaultLimit() {
      return defaultLimit;
    }

    public int maxSmClockMhz() {
      return maxSmClockMhz;
    }

    /** The model named {@code id} ({@code a40}, {@code v100}), case-insensitive. */
    public static Model of(String id) {
      for (Model m : values()) {
        if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown simulated GPU model '" + id + "'; available: "
          + String.join(", ", Arrays.stream(values()).map(Model::id).toList()));
    }
  }

  private SimulatedGpus() {}

  /** {@code count} GPUs of {@code model} running {@code workload}, timed by {@code clock}. */
  public static SimulatedGpuControl create(String model, int count, PowerProfile workload, Clock clock) {
    return builder().model(model).count(count).workload(workload).clock(clock).build();
  }

  /** The workload simulated GPUs run unless told otherwise: Zeus's ImageNet/ResNet-50, batch 256. */
  public static PowerProfile defaultWorkload(Model model) {
    return ZeusProfiles.bundled(model.id()).profile("imagenet/resnet50", 256);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for simulated GPUs; defaults: one A40, the default workload, system clock, pids from 10000. */
  public static final class Builder {
    private Model model = Model.A40;
    private int count = 1;
    private PowerProfile workload;
    private Clock clock = Clock.systemUTC();
    private long firstPid = 10_000;
    private long processMemoryBytes = 8L << 30;

    private Builder() {}

    public Builder model(Model model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder model(String model) {
      return model(Model.of(model));
    }

    public Builder count(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("GPU count cannot be negative: " + count);
      }
      this.count = count;
      return this;
    }

    /** The workload every GPU runs. */
    public Builder workload(PowerProfile workload) {
      this.workload = Objects.requireNonNull(workload, "workload");
      return this;
    }

    /** The clock the energy counters integrate over. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The pid of GPU 0's process; GPU N's is {@code firstPid + N}. */
    public Builder firstPid(long firstPid) {
      if (firstPid <= 0) {
        throw new IllegalArgumentException("pid must be positive: " + firstPid);
      }
      this.firstPid = firstPid;
      return this;
    }

    public Builder processMemoryBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("memory cannot be negative: " + bytes);
      }
      this.processMemoryBytes = bytes;
      return this;
    }

    public SimulatedGpuControl build() {
      PowerProfile w = workload != null ? workload : defaultWorkload(model);
      return new SimulatedGpuBackend(model, count, w, clock, firstPid, processMemoryBytes);
    }
  }
}
