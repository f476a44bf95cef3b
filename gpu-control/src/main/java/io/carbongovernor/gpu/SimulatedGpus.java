package io.carbongovernor.gpu;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>Each GPU's compute processes are its simulated work ({@link Builder#work}; by default one
 * process nobody can be told to own on every GPU), with pids beyond any the kernel hands out, and,
 * where enabled, the real processes that declare the GPU ({@link DeclaredProcesses}).
 */
public final class SimulatedGpus {

  /**
   * The largest pid Linux hands out ({@code PID_MAX_LIMIT} on 64-bit hosts, the ceiling of
   * {@code kernel.pid_max}): a pid above it names no real process.
   */
  public static final long KERNEL_PID_LIMIT = 4_194_304;

  /** The pid of the first simulated process unless told otherwise; beyond the kernel's pids. */
  public static final long FIRST_PID = 5_000_000;

  /** Whether {@code pid} can only be a simulated process: no real process has it. */
  public static boolean beyondKernelPids(long pid) {
    return pid > KERNEL_PID_LIMIT;
  }

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

  /**
   * Options for simulated GPUs; defaults: one A40, the default workload, system clock, one process
   * nobody can be told to own on each GPU with pids from {@link #FIRST_PID}, no real processes.
   */
  public static final class Builder {
    private Model model = Model.A40;
    private int count = 1;
    private PowerProfile workload;
    private Clock clock = Clock.systemUTC();
    private long firstPid = FIRST_PID;
    private long processMemoryBytes = 8L << 30;
    private List<SimulatedWork> work;
    private DeclaredProcesses declared = DeclaredProcesses.none();

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

    /**
     * The simulated processes, in pid order from {@link #firstPid}; a GPU may have several or
     * none. Without this call, each GPU has one that nobody can be told to own (GPU N's pid is
     * {@code firstPid + N}).
     */
    public Builder work(List<SimulatedWork> work) {
      this.work = List.copyOf(work);
      return this;
    }

    /** The real processes that run on the simulated GPUs besides their simulated work. */
    public Builder declaredProcesses(DeclaredProcesses declared) {
      this.declared = Objects.requireNonNull(declared, "declared");
      return this;
    }

    /** The pid of the first simulated process; the next ones follow it. */
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

    /**
     * @throws IllegalArgumentException for work on a GPU beyond {@code count}, or work with an
     *     account whose pid a real process could have (see {@link #beyondKernelPids})
     */
    public SimulatedGpuControl build() {
      PowerProfile w = workload != null ? workload : defaultWorkload(model);
      List<SimulatedWork> processes = work != null ? work : SimulatedWork.everyGpu(count);
      for (SimulatedWork p : processes) {
        if (p.gpu() >= count) {
          throw new IllegalArgumentException(
              "simulated work on GPU " + p.gpu() + ", but there are " + count + " GPU(s)");
        }
      }
      boolean accounts = processes.stream().anyMatch(p -> p.account().isPresent());
      if (accounts && !beyondKernelPids(firstPid)) {
        throw new IllegalArgumentException("simulated work with an account needs pids above "
            + KERNEL_PID_LIMIT + ", which no real process has; firstPid is " + firstPid);
      }
      return new SimulatedGpuBackend(model, count, w, clock, firstPid, processMemoryBytes, processes, declared);
    }
  }
}
