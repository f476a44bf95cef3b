package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.RetryBackoff;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NVML backend; see {@link NvmlGpuControl}. Every method is synchronized. */
final class NvmlBackend implements NvmlGpuControl {

  private static final Logger log = LoggerFactory.getLogger("nvml");

  private static final int NAME_BUFFER = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE
  private static final int UUID_BUFFER = 96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE
  private static final int DRIVER_BUFFER = 80; // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
  private static final int CLOCK_SM = 1; // NVML_CLOCK_SM
  private static final int SUCCESS = 0;

  /** One GPU's handle and health. */
  private static final class Device {
    final Gpu gpu;
    Pointer handle;
    boolean energyCounter = true;
    String failedCode;
    int failedRc;
    RetryBackoff retry;

    Device(Gpu gpu, Pointer handle) {
      this.gpu = gpu;
      this.handle = handle;
    }
  }

  /** One NVML device function applied to a handle. */
  private interface Call {
    int call(Pointer handle);
  }

  private final NvmlLibrary nvml;
  private final jnr.ffi.Runtime runtime;
  private final NvmlSymbols symbols;
  private final String library;
  private final Clock clock;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final Map<String, Device> devices = new LinkedHashMap<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<Gpu> gpus;
  private int inits;
  private boolean closed;

  private NvmlBackend(NvmlLibrary nvml, NvmlSymbols symbols, String library, Clock clock,
      Duration firstRetry, Duration maxRetry) {
    this.nvml = nvml;
    this.runtime = jnr.ffi.Runtime.getRuntime(nvml);
    this.symbols = symbols;
    this.library = library;
    this.clock = clock;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
    this.inits = 1;
    this.gpus = enumerate();
  }

  static NvmlBackend open(String library, Clock clock, Duration firstRetry, Duration maxRetry) {
    NvmlLibrary nvml;
    try {
      nvml = LibraryLoader.create(NvmlLibrary.class)
          .option(LibraryOption.IgnoreError, true) // NVML reports through return codes, not errno
          .failImmediately()
          .load(library);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw NvmlReturn.LIBRARY_NOT_FOUND.exception(
          "cannot load NVML library " + library + ": " + e.getMessage(), e);
    }
    NvmlSymbols symbols = NvmlSymbols.probe(library);
    List<String> missing = symbols.missingRequired();
    if (!missing.isEmpty()) {
      throw new GpuException(GpuFault.LIBRARY_UNUSABLE, NvmlReturn.FUNCTION_NOT_FOUND.codeName(),
          library + " lacks " + String.join(", ", missing) + "; it is not a usable NVIDIA driver NVML");
    }
    if (!symbols.missingOptional().isEmpty()) {
      log.atInfo().addKeyValue("library", library).addKeyValue("missing", String.join(",", symbols.missingOptional()))
          .log("older NVML: optional functions absent, using fallbacks");
    }
    int rc = nvml.nvmlInit_v2();
    if (rc != SUCCESS) {
      throw NvmlReturn.error(rc, "nvmlInit_v2 failed: " + nvml.nvmlErrorString(rc));
    }
    try {
      return new NvmlBackend(nvml, symbols, library, clock, firstRetry, maxRetry);
    } catch (RuntimeException e) {
      nvml.nvmlShutdown();
      throw e;
    }
  }

  /** Every GPU NVML counts whose handle, identity and power range can be read. */
  private List<Gpu> enumerate() {
    IntByReference count = new IntByReference();
    int rc = nvml.nvmlDeviceGetCount_v2(count);
    if (rc != SUCCESS) {
      throw error(rc, "nvmlDeviceGetCount_v2", "cannot count GPUs");
    }
    List<Gpu> found = new ArrayList<>();
    for (int index = 0; index < count.intValue(); index++) {
      try {
        Device device = describe(index);
        devices.put(device.gpu.uuid(), device);
        found.add(device.gpu);
      } catch (GpuException e) {
        // Counted devices include ones this process may not open (NO_PERMISSION) or that are lost.
        log.atWarn().addKeyValue("gpu", "gpu" + index).addKeyValue("code", e.code()).addKeyValue("error", e.getMessage())
            .log("GPU skipped: cannot be read, not controlled");
        skipped.add("gpu" + index + ": cannot be read, not controlled: " + e.getMessage());
      }
    }
    log.atInfo().addKeyValue("library", library).addKeyValue("gpus", found.size())
        .addKeyValue("driver", driverVersion().orElse("unknown")).log("NVML initialised");
    return List.copyOf(found);
  }

  private Device describe(int index) {
    PointerByReference ref = new PointerByReference();
    int rc = nvml.nvmlDeviceGetHandleByIndex_v2(index, ref);
    if (rc != SUCCESS) {
      throw error(rc, "nvmlDeviceGetHandleByIndex_v2", "gpu" + index);
    }
    Pointer handle = ref.getValue();
    String uuid = string(UUID_BUFFER, (b, n) -> nvml.nvmlDeviceGetUUID(handle, b, n), "nvmlDeviceGetUUID", index);
    String name = string(NAME_BUFFER, (b, n) -> nvml.nvmlDeviceGetName(handle, b, n), "nvmlDeviceGetName", index);
    IntByReference min = new IntByReference();
    IntByReference max = new IntByReference();
    rc = nvml.nvmlDeviceGetPowerManagementLimitConstraints(handle, min, max);
    if (rc != SUCCESS) {
      throw error(rc, "nvmlDeviceGetPowerManagementLimitConstraints", "gpu" + index + " has no settable power limit");
    }
    PowerConstraints constraints = new PowerConstraints(milliwatts(min), milliwatts(max));
    Power defaultLimit = constraints.max();
    if (symbols.has("nvmlDeviceGetPowerManagementDefaultLimit")) {
      IntByReference dflt = new IntByReference();
      rc = nvml.nvmlDeviceGetPowerManagementDefaultLimit(handle, dflt);
      if (rc == SUCCESS) {
        defaultLimit = milliwatts(dflt);
      } else if (rc != NvmlReturn.NOT_SUPPORTED.value()) {
        throw error(rc, "nvmlDeviceGetPowerManagementDefaultLimit", "gpu" + index);
      }
    }
    return new Device(new Gpu(index, uuid, name, constraints, defaultLimit), handle);
  }

  /** An NVML function that fills a string buffer of the given length. */
  private interface StringCall {
    int call(byte[] buffer, int length);
  }

  private String string(int size, StringCall call, String function, int index) {
    byte[] buffer = new byte[size];
    int rc = call.call(buffer, size);
    if (rc != SUCCESS) {
      throw error(rc, function, "gpu" + index);
    }
    return cString(buffer);
  }

  private static String cString(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.US_ASCII);
  }

  private static Power milliwatts(IntByReference ref) {
    return Power.ofMilliwatts(Integer.toUnsignedLong(ref.intValue()));
  }

  @Override
  public synchronized List<String> notControlled() {
    return List.copyOf(skipped);
  }

  @Override
  public String vendor() {
    return "NVIDIA";
  }

  @Override
  public synchronized List<Gpu> gpus() {
    open();
    return gpus;
  }

  @Override
  public synchronized GpuSample sample(Gpu gpu) {
    Device d = usable(gpu);
    IntByReference power = new IntByReference();
    call(d, "nvmlDeviceGetPowerUsage", h -> nvml.nvmlDeviceGetPowerUsage(h, power));
    IntByReference limit = new IntByReference();
    call(d, "nvmlDeviceGetPowerManagementLimit", h -> nvml.nvmlDeviceGetPowerManagementLimit(h, limit));
    Power limitPower = milliwatts(limit);
    Power enforced = limitPower;
    IntByReference enforcedRef = new IntByReference();
    if (optional(d, "nvmlDeviceGetEnforcedPowerLimit", h -> nvml.nvmlDeviceGetEnforcedPowerLimit(h, enforcedRef))) {
      enforced = milliwatts(enforcedRef);
    }
    int smClock = 0;
    IntByReference clockRef = new IntByReference();
    if (optional(d, "nvmlDeviceGetClockInfo", h -> nvml.nvmlDeviceGetClockInfo(h, CLOCK_SM, clockRef))) {
      smClock = Math.max(0, clockRef.intValue());
    }
    int utilisation = 0;
    int[] rates = new int[2];
    if (optional(d, "nvmlDeviceGetUtilizationRates", h -> nvml.nvmlDeviceGetUtilizationRates(h, rates))) {
      utilisation = Math.min(100, Math.max(0, rates[0]));
    }
    return new GpuSample(milliwatts(power), energy(d), limitPower, enforced, smClock, utilisation);
  }

  /** The energy counter; empty, and never asked again, on a GPU without one (before Volta). */
  private Optional<Energy> energy(Device d) {
    if (!d.energyCounter) {
      return Optional.empty();
    }
    LongLongByReference energy = new LongLongByReference();
    if (optional(d, "nvmlDeviceGetTotalEnergyConsumption", h -> nvml.nvmlDeviceGetTotalEnergyConsumption(h, energy))) {
      return Optional.of(Energy.ofMillijoules(Math.max(0, energy.longValue())));
    }
    d.energyCounter = false;
    log.atInfo().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid())
        .log("no energy counter on this GPU; energy is integrated from power");
    return Optional.empty();
  }

  @Override
  public synchronized void setPowerLimit(Gpu gpu, Power limit) {
    Device d = usable(gpu);
    if (limit.milliwatts() > 0xFFFF_FFFFL) {
      throw NvmlReturn.INVALID_ARGUMENT.exception("power limit " + limit + " too large for NVML");
    }
    int mw = (int) limit.milliwatts();
    int rc = nvml.nvmlDeviceSetPowerManagementLimit(d.handle, mw);
    if (rc == NvmlReturn.NO_PERMISSION.value()) {
      throw NvmlReturn.NO_PERMISSION.exception("setting power limits needs root or the CAP_SYS_ADMIN "
          + "capability; " + d.gpu.label() + " (" + d.gpu.uuid() + ") was not changed: " + nvml.nvmlErrorString(rc));
    }
    if (rc == NvmlReturn.INVALID_ARGUMENT.value()) {
      throw NvmlReturn.INVALID_ARGUMENT.exception("nvmlDeviceSetPowerManagementLimit refused "
          + limit + " on " + d.gpu.label() + " (range " + d.gpu.constraints() + "): " + nvml.nvmlErrorString(rc));
    }
    check(d, rc, "nvmlDeviceSetPowerManagementLimit");
  }

  @Override
  public synchronized List<GpuProcess> processes(Gpu gpu) {
    Device d = usable(gpu);
    Optional<String> function = symbols.processFunction();
    if (function.isEmpty()) {
      throw NvmlReturn.FUNCTION_NOT_FOUND.exception(library + " has no process list function");
    }
    String fn = function.get();
    NvmlProcessQuery.Call call = switch (fn) {
      case "nvmlDeviceGetComputeRunningProcesses_v3" ->
          (count, infos) -> nvml.nvmlDeviceGetComputeRunningProcesses_v3(d.handle, count, infos);
      case "nvmlDeviceGetComputeRunningProcesses_v2" ->
          (count, infos) -> nvml.nvmlDeviceGetComputeRunningProcesses_v2(d.handle, count, infos);
      default -> (count, infos) -> nvml.nvmlDeviceGetComputeRunningProcesses(d.handle, count, infos);
    };
    return NvmlProcessQuery.run(runtime, fn, call, rc -> {
      markIfLost(d, rc, fn);
      return error(rc, fn, d.gpu.label() + " (" + d.gpu.uuid() + ")");
    });
  }

  @Override
  public synchronized Optional<String> driverVersion() {
    if (closed || !symbols.has("nvmlSystemGetDriverVersion")) {
      return Optional.empty();
    }
    byte[] buffer = new byte[DRIVER_BUFFER];
    int rc = nvml.nvmlSystemGetDriverVersion(buffer, buffer.length);
    return rc == SUCCESS ? Optional.of(cString(buffer)) : Optional.empty();
  }

  @Override
  public synchronized Optional<MigMode> migMode(Gpu gpu) {
    Device d = usable(gpu);
    IntByReference current = new IntByReference();
    IntByReference pending = new IntByReference();
    if (optional(d, "nvmlDeviceGetMigMode", h -> nvml.nvmlDeviceGetMigMode(h, current, pending))) {
      return Optional.of(new MigMode(current.intValue() != 0, pending.intValue() != 0));
    }
    return Optional.empty();
  }

  @Override
  public synchronized boolean failed(Gpu gpu) {
    Device d = devices.get(gpu.uuid());
    return d != null && d.failedCode != null;
  }

  /** Shuts NVML down as often as this backend initialised it. Changes no limit. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (; inits > 0; inits--) {
      int rc = nvml.nvmlShutdown();
      if (rc != SUCCESS) {
        log.atWarn().addKeyValue("code", NvmlReturn.codeName(rc)).log("nvmlShutdown failed");
      }
    }
  }

  /** The GPU's device, re-initialised first when it failed and its retry time has come. */
  private Device usable(Gpu gpu) {
    open();
    Device d = devices.get(gpu.uuid());
    if (d == null) {
      throw NvmlReturn.NOT_FOUND.exception("no NVML GPU with UUID " + gpu.uuid());
    }
    if (d.failedCode == null) {
      return d;
    }
    Instant now = clock.instant();
    if (!d.retry.due(now)) {
      throw NvmlReturn.error(d.failedRc, d.gpu.label() + " (" + d.gpu.uuid() + ") is marked failed; "
          + "next re-initialisation attempt at " + d.retry.next());
    }
    reinitialise(d, now);
    return d;
  }

  /** Looks the GPU up again by UUID and reads it; on failure waits twice as long next time. */
  private void reinitialise(Device d, Instant now) {
    PointerByReference ref = new PointerByReference();
    int rc = nvml.nvmlDeviceGetHandleByUUID(d.gpu.uuid(), ref);
    if (rc == NvmlReturn.UNINITIALIZED.value() && nvml.nvmlInit_v2() == SUCCESS) {
      inits++;
      rc = nvml.nvmlDeviceGetHandleByUUID(d.gpu.uuid(), ref);
    }
    if (rc == SUCCESS) {
      Pointer handle = ref.getValue();
      IntByReference limit = new IntByReference();
      rc = nvml.nvmlDeviceGetPowerManagementLimit(handle, limit);
      if (rc == SUCCESS) {
        d.handle = handle;
        log.atInfo().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("was", d.failedCode)
            .addKeyValue("limit", milliwatts(limit)).log("GPU re-initialised; back under control");
        d.failedCode = null;
        d.retry = null;
        return;
      }
    }
    d.retry.failedAgain(now);
    log.atWarn().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("code", NvmlReturn.codeName(rc))
        .addKeyValue("next_attempt", d.retry.next()).log("GPU re-initialisation failed");
    throw NvmlReturn.error(rc, "re-initialising " + d.gpu.label() + " (" + d.gpu.uuid()
        + ") failed: " + nvml.nvmlErrorString(rc) + "; next attempt at " + d.retry.next());
  }

  private void call(Device d, String function, Call call) {
    check(d, call.call(d.handle), function);
  }

  /** A call whose absence or NOT_SUPPORTED means "no value"; other failures throw. */
  private boolean optional(Device d, String function, Call call) {
    if (!symbols.has(function)) {
      return false;
    }
    int rc = call.call(d.handle);
    if (rc == NvmlReturn.NOT_SUPPORTED.value()) {
      return false;
    }
    check(d, rc, function);
    return true;
  }

  private void check(Device d, int rc, String function) {
    if (rc == SUCCESS) {
      return;
    }
    markIfLost(d, rc, function);
    throw error(rc, function, d.gpu.label() + " (" + d.gpu.uuid() + ")");
  }

  /** A lost GPU (or NVML shut down under us) waits for re-initialisation; others keep going. */
  private void markIfLost(Device d, int rc, String function) {
    boolean lost = rc == NvmlReturn.GPU_IS_LOST.value() || rc == NvmlReturn.RESET_REQUIRED.value()
        || rc == NvmlReturn.UNINITIALIZED.value();
    if (!lost || d.failedCode != null) {
      return;
    }
    d.failedCode = NvmlReturn.codeName(rc);
    d.failedRc = rc;
    d.retry = new RetryBackoff(firstRetry, maxRetry, clock.instant());
    log.atError().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("code", d.failedCode)
        .addKeyValue("function", function).addKeyValue("next_attempt", d.retry.next())
        .log("GPU failed; marked failed, the other GPUs stay controlled");
  }

  private GpuException error(int rc, String function, String what) {
    return NvmlReturn.error(rc, function + " on " + what + ": " + nvml.nvmlErrorString(rc));
  }

  private void open() {
    if (closed) {
      throw new GpuException(GpuFault.LIBRARY_UNUSABLE, NvmlReturn.UNINITIALIZED.codeName(), "NVML backend closed");
    }
  }
}
