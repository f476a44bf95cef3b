package io.carbongovernor.gpu.amdsmi;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
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
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMD SMI backend ({@code gpu.backend: amdsmi}); opened by {@link AmdSmiGpus}. One GPU per
 * processor handle of type AMD GPU, in socket order. A GPU split into compute partitions (an
 * MI300X in DPX, QPX or CPX mode shows several processors on one socket, all under one power cap)
 * is not controlled: setting the cap through one partition would change it for the others.
 * A GPU that is lost is marked failed and re-found by UUID after a growing backoff; the other
 * GPUs are unaffected. Every method is synchronized.
 */
final class AmdSmiBackend implements GpuControl {

  private static final Logger log = LoggerFactory.getLogger("amdsmi");

  private static final int SUCCESS = 0;
  private static final int SENSOR = 0;
  private static final int NAME_BUFFER = 456; // sizeof(amdsmi_asic_info_t); market_name[256] @0
  private static final int DRIVER_BUFFER = 192; // sizeof(amdsmi_driver_info_t); driver_version[64] @0
  private static final int UUID_BUFFER = 64; // >= AMDSMI_GPU_UUID_SIZE (38)
  private static final int PARTITION_BUFFER = 8;
  private static final long NOT_AVAILABLE_W = 0xFFFF; // AMD SMI's "N/A" for a 16-bit sensor and above
  private static final int MAX_PROCESS_ATTEMPTS = 8;

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

  /** A processor found on a socket. */
  private record Processor(int socket, Pointer handle) {}

  private interface Call {
    int call(Pointer handle);
  }

  private final AmdSmiLibrary smi;
  private final jnr.ffi.Runtime runtime;
  private final String library;
  private final Clock clock;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final Map<String, Device> devices = new LinkedHashMap<>();
  private final List<String> notControlled = new ArrayList<>();
  private final List<Gpu> gpus;
  private int inits;
  private boolean closed;

  private AmdSmiBackend(AmdSmiLibrary smi, String library, Clock clock, Duration firstRetry, Duration maxRetry) {
    this.smi = smi;
    this.runtime = jnr.ffi.Runtime.getRuntime(smi);
    this.library = library;
    this.clock = clock;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
    this.inits = 1;
    this.gpus = enumerate();
  }

  static AmdSmiBackend open(AmdSmiLibrary smi, String library, Clock clock, Duration firstRetry, Duration maxRetry) {
    int rc = smi.amdsmi_init(AmdSmiLibrary.INIT_AMD_GPUS);
    if (rc != SUCCESS) {
      throw AmdSmiStatus.error(rc, "amdsmi_init(AMDSMI_INIT_AMD_GPUS) failed: " + describe(smi, rc)
          + " (is the amdgpu driver loaded, and may this user open /dev/kfd and /dev/dri/renderD*?)");
    }
    try {
      return new AmdSmiBackend(smi, library, clock, firstRetry, maxRetry);
    } catch (RuntimeException e) {
      smi.amdsmi_shut_down();
      throw e;
    }
  }

  private static String describe(AmdSmiLibrary smi, int rc) {
    PointerByReference text = new PointerByReference();
    if (smi.amdsmi_status_code_to_string(rc, text) == SUCCESS && text.getValue() != null) {
      return text.getValue().getString(0, 256, StandardCharsets.US_ASCII);
    }
    return AmdSmiStatus.codeName(rc);
  }

  /** Every AMD GPU processor of every socket. */
  private List<Processor> processors() {
    List<Processor> found = new ArrayList<>();
    List<Pointer> sockets = handles((count, out) -> smi.amdsmi_get_socket_handles(count, out), "amdsmi_get_socket_handles");
    for (int s = 0; s < sockets.size(); s++) {
      Pointer socket = sockets.get(s);
      for (Pointer p : handles((count, out) -> smi.amdsmi_get_processor_handles(socket, count, out),
          "amdsmi_get_processor_handles")) {
        IntByReference type = new IntByReference();
        if (smi.amdsmi_get_processor_type(p, type) == SUCCESS && type.intValue() == AmdSmiLibrary.PROCESSOR_TYPE_AMD_GPU) {
          found.add(new Processor(s, p));
        }
      }
    }
    return found;
  }

  /** The count-then-fetch protocol of AMD SMI's handle lists. */
  private interface HandleCall {
    int call(IntByReference count, Pointer out);
  }

  private List<Pointer> handles(HandleCall call, String function) {
    IntByReference count = new IntByReference(0);
    int rc = call.call(count, null);
    if (rc != SUCCESS) {
      throw AmdSmiStatus.error(rc, function + ": " + describe(smi, rc));
    }
    int n = count.intValue();
    if (n <= 0) {
      return List.of();
    }
    int size = runtime.addressSize();
    Pointer out = Memory.allocateDirect(runtime, n * size, true);
    count = new IntByReference(n);
    rc = call.call(count, out);
    if (rc != SUCCESS) {
      throw AmdSmiStatus.error(rc, function + ": " + describe(smi, rc));
    }
    List<Pointer> list = new ArrayList<>();
    for (int i = 0; i < Math.min(n, count.intValue()); i++) {
      list.add(out.getPointer((long) i * size));
    }
    return list;
  }

  /**
   * The GPUs to control, indexed as amd-smi numbers processors. A socket with several processors,
   * or whose processor reports a partition mode other than SPX, is refused.
   */
  private List<Gpu> enumerate() {
    Map<Integer, List<Processor>> bySocket = new LinkedHashMap<>();
    for (Processor p : processors()) {
      bySocket.computeIfAbsent(p.socket(), s -> new ArrayList<>()).add(p);
    }
    List<Gpu> found = new ArrayList<>();
    int index = 0;
    for (Map.Entry<Integer, List<Processor>> socket : bySocket.entrySet()) {
      List<Processor> partitions = socket.getValue();
      int first = index;
      index += partitions.size();
      Optional<String> mode = partition(partitions.get(0).handle());
      if (partitions.size() > 1 || mode.filter(m -> !m.equals("SPX")).isPresent()) {
        refuse(first, mode.orElse(partitions.size() + " partitions"), partitions.size());
        continue;
      }
      try {
        Device d = describe(first, partitions.get(0).handle());
        devices.put(d.gpu.uuid(), d);
        found.add(d.gpu);
      } catch (GpuException e) {
        log.atWarn().addKeyValue("gpu", "gpu" + first).addKeyValue("code", e.code()).addKeyValue("error", e.getMessage())
            .log("GPU skipped: cannot be read, not controlled");
        notControlled.add("gpu" + first + ": cannot be read, not controlled: " + e.getMessage());
      }
    }
    log.atInfo().addKeyValue("library", library).addKeyValue("gpus", found.size())
        .addKeyValue("driver", driverVersion(found).orElse("unknown")).log("AMD SMI initialised");
    return List.copyOf(found);
  }

  private void refuse(int index, String mode, int partitions) {
    String why = "gpu" + index + " is in compute partition mode " + mode + ": its " + partitions + " partition(s) share one"
        + " power cap, so a cap set for one would change the others'; not controlled. To control it, return it to SPX"
        + " (amd-smi set --gpu " + index + " --compute-partition SPX) and restart the daemon";
    log.atError().addKeyValue("gpu", "gpu" + index).addKeyValue("partition", mode).log(why);
    notControlled.add(why);
  }

  /** The compute partition mode, e.g. {@code CPX}; empty where the GPU has none. */
  private Optional<String> partition(Pointer handle) {
    byte[] buffer = new byte[PARTITION_BUFFER];
    int rc = smi.amdsmi_get_gpu_compute_partition(handle, buffer, buffer.length);
    if (rc != SUCCESS) {
      return Optional.empty(); // NOT_SUPPORTED on GPUs without partitions (MI200 and older)
    }
    String mode = cString(buffer);
    return mode.isEmpty() ? Optional.empty() : Optional.of(mode);
  }

  private Device describe(int index, Pointer handle) {
    String uuid = uuid(handle, index);
    String name = "AMD GPU";
    Pointer asic = Memory.allocateDirect(runtime, NAME_BUFFER, true);
    if (smi.amdsmi_get_gpu_asic_info(handle, asic) == SUCCESS) {
      String market = asic.getString(0, 256, StandardCharsets.US_ASCII).strip();
      name = market.isEmpty() ? name : market;
    }
    CapInfo caps = capInfo(handle, "gpu" + index);
    if (caps.max().milliwatts() == 0 || caps.min().compareTo(caps.max()) > 0) {
      throw AmdSmiStatus.NOT_SUPPORTED.exception("gpu" + index + " has no settable power cap (range "
          + caps.min() + " to " + caps.max() + ")");
    }
    Power dflt = caps.defaultCap().milliwatts() > 0 ? caps.defaultCap() : caps.max();
    return new Device(new Gpu(index, uuid, name, new PowerConstraints(caps.min(), caps.max()), dflt), handle);
  }

  private String uuid(Pointer handle, int index) {
    byte[] buffer = new byte[UUID_BUFFER];
    IntByReference length = new IntByReference(buffer.length);
    int rc = smi.amdsmi_get_gpu_device_uuid(handle, length, buffer);
    if (rc != SUCCESS) {
      throw AmdSmiStatus.error(rc, "amdsmi_get_gpu_device_uuid on gpu" + index + ": " + describe(smi, rc));
    }
    String uuid = cString(buffer);
    if (uuid.isEmpty()) {
      throw AmdSmiStatus.UNEXPECTED_DATA.exception("gpu" + index + " has an empty UUID");
    }
    return uuid;
  }

  /** {@code amdsmi_power_cap_info_t}, converted from microwatts. */
  private record CapInfo(Power cap, Power defaultCap, Power min, Power max) {}

  private CapInfo capInfo(Pointer handle, String what) {
    Pointer info = Memory.allocateDirect(runtime, AmdSmiLibrary.POWER_CAP_INFO_SIZE, true);
    int rc = smi.amdsmi_get_power_cap_info(handle, SENSOR, info);
    if (rc != SUCCESS) {
      throw AmdSmiStatus.error(rc, "amdsmi_get_power_cap_info on " + what + ": " + describe(smi, rc));
    }
    return new CapInfo(microwatts(info, 0), microwatts(info, 8), microwatts(info, 24), microwatts(info, 32));
  }

  private static Power microwatts(Pointer info, long offset) {
    long uw = info.getLongLong(offset);
    return Power.ofMicrowatts(uw < 0 ? 0 : uw);
  }

  private static String cString(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.US_ASCII).strip();
  }

  @Override
  public String vendor() {
    return "AMD";
  }

  @Override
  public synchronized List<Gpu> gpus() {
    open();
    return gpus;
  }

  @Override
  public synchronized List<String> notControlled() {
    return List.copyOf(notControlled);
  }

  @Override
  public synchronized GpuSample sample(Gpu gpu) {
    Device d = usable(gpu);
    Pointer capInfo = Memory.allocateDirect(runtime, AmdSmiLibrary.POWER_CAP_INFO_SIZE, true);
    call(d, "amdsmi_get_power_cap_info", h -> smi.amdsmi_get_power_cap_info(h, SENSOR, capInfo));
    Power limit = microwatts(capInfo, 0);
    Pointer powerInfo = Memory.allocateDirect(runtime, AmdSmiLibrary.POWER_INFO_SIZE, true);
    call(d, "amdsmi_get_power_info", h -> smi.amdsmi_get_power_info(h, powerInfo));
    long current = Integer.toUnsignedLong(powerInfo.getInt(0));
    long average = Integer.toUnsignedLong(powerInfo.getInt(4));
    long watts = current < NOT_AVAILABLE_W ? current : average < NOT_AVAILABLE_W ? average : 0;
    int clock = 0;
    Pointer clk = Memory.allocateDirect(runtime, 32, true);
    if (optional(d, "amdsmi_get_clock_info", h -> smi.amdsmi_get_clock_info(h, AmdSmiLibrary.CLK_TYPE_GFX, clk))) {
      clock = (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(clk.getInt(0)));
    }
    int utilisation = 0;
    Pointer usage = Memory.allocateDirect(runtime, 64, true);
    if (optional(d, "amdsmi_get_gpu_activity", h -> smi.amdsmi_get_gpu_activity(h, usage))) {
      utilisation = (int) Math.min(100, Integer.toUnsignedLong(usage.getInt(0)));
    }
    // AMD SMI has one cap; there is no separately enforced limit to compare it with.
    return new GpuSample(Power.ofWatts(watts), energy(d), limit, limit, clock, utilisation);
  }

  /** The energy counter times its resolution; empty, and never asked again, without one. */
  private Optional<Energy> energy(Device d) {
    if (!d.energyCounter) {
      return Optional.empty();
    }
    Pointer counter = Memory.allocateDirect(runtime, 8, true);
    Pointer resolution = Memory.allocateDirect(runtime, 4, true);
    Pointer timestamp = Memory.allocateDirect(runtime, 8, true);
    if (optional(d, "amdsmi_get_energy_count", h -> smi.amdsmi_get_energy_count(h, counter, resolution, timestamp))) {
      double microjoules = unsigned(counter.getLongLong(0)) * resolution.getFloat(0);
      if (microjoules >= 0 && !Double.isInfinite(microjoules)) {
        return Optional.of(Energy.ofMicrojoules(microjoules));
      }
    }
    d.energyCounter = false;
    log.atInfo().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid())
        .log("no energy counter on this GPU; energy is integrated from power");
    return Optional.empty();
  }

  private static double unsigned(long value) {
    return value >= 0 ? value : (value >>> 1) * 2.0 + (value & 1);
  }

  @Override
  public synchronized void setPowerLimit(Gpu gpu, Power limit) {
    Device d = usable(gpu);
    int rc = smi.amdsmi_set_power_cap(d.handle, SENSOR, limit.microwatts());
    if (rc == AmdSmiStatus.NO_PERM.value()) {
      throw AmdSmiStatus.NO_PERM.exception("setting power caps needs root or the CAP_SYS_ADMIN capability and write "
          + "access to the GPU's hwmon power1_cap; " + d.gpu.label() + " (" + d.gpu.uuid() + ") was not changed: "
          + describe(smi, rc));
    }
    if (rc == AmdSmiStatus.INPUT_OUT_OF_BOUNDS.value() || rc == AmdSmiStatus.INVAL.value()) {
      throw AmdSmiStatus.error(rc, "amdsmi_set_power_cap refused " + limit + " on " + d.gpu.label() + " (range "
          + d.gpu.constraints() + "): " + describe(smi, rc));
    }
    check(d, rc, "amdsmi_set_power_cap");
  }

  @Override
  public synchronized List<GpuProcess> processes(Gpu gpu) {
    Device d = usable(gpu);
    IntByReference count = new IntByReference(0);
    int rc = smi.amdsmi_get_gpu_process_list(d.handle, count, null);
    check(d, rc, "amdsmi_get_gpu_process_list");
    for (int attempt = 0; attempt < MAX_PROCESS_ATTEMPTS; attempt++) {
      int room = Math.max(1, count.intValue()) * 2 + 4;
      Pointer list = Memory.allocateDirect(runtime, (long) room * AmdSmiLibrary.PROC_INFO_SIZE, true);
      count = new IntByReference(room);
      rc = smi.amdsmi_get_gpu_process_list(d.handle, count, list);
      if (rc == AmdSmiStatus.OUT_OF_RESOURCES.value()) {
        continue; // more processes started in between; count holds how many
      }
      check(d, rc, "amdsmi_get_gpu_process_list");
      List<GpuProcess> processes = new ArrayList<>();
      for (int i = 0; i < Math.min(room, count.intValue()); i++) {
        long at = (long) i * AmdSmiLibrary.PROC_INFO_SIZE;
        processes.add(new GpuProcess(Integer.toUnsignedLong(list.getInt(at + 32)), Math.max(0, list.getLongLong(at + 40))));
      }
      return List.copyOf(processes);
    }
    throw AmdSmiStatus.OUT_OF_RESOURCES.exception("amdsmi_get_gpu_process_list on " + d.gpu.label()
        + ": the process list kept growing");
  }

  @Override
  public synchronized Optional<String> driverVersion() {
    return closed ? Optional.empty() : driverVersion(gpus == null ? List.of() : gpus);
  }

  private Optional<String> driverVersion(List<Gpu> known) {
    for (Gpu g : known) {
      Device d = devices.get(g.uuid());
      Pointer info = Memory.allocateDirect(runtime, DRIVER_BUFFER, true);
      if (d != null && d.failedCode == null && smi.amdsmi_get_gpu_driver_info(d.handle, info) == SUCCESS) {
        String version = info.getString(0, 64, StandardCharsets.US_ASCII).strip();
        return version.isEmpty() ? Optional.empty() : Optional.of(version);
      }
    }
    return Optional.empty();
  }

  /** Shuts AMD SMI down as often as this backend initialised it. Changes no cap. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (; inits > 0; inits--) {
      int rc = smi.amdsmi_shut_down();
      if (rc != SUCCESS) {
        log.atWarn().addKeyValue("code", AmdSmiStatus.codeName(rc)).log("amdsmi_shut_down failed");
      }
    }
  }

  private Device usable(Gpu gpu) {
    open();
    Device d = devices.get(gpu.uuid());
    if (d == null) {
      throw AmdSmiStatus.NOT_FOUND.exception("no AMD SMI GPU with UUID " + gpu.uuid());
    }
    if (d.failedCode == null) {
      return d;
    }
    Instant now = clock.instant();
    if (!d.retry.due(now)) {
      throw AmdSmiStatus.error(d.failedRc, d.gpu.label() + " (" + d.gpu.uuid() + ") is marked failed; "
          + "next re-initialisation attempt at " + d.retry.next());
    }
    reinitialise(d, now);
    return d;
  }

  /** Finds the GPU again by UUID among the processors and reads its cap. */
  private void reinitialise(Device d, Instant now) {
    int rc;
    try {
      Optional<Pointer> handle = find(d.gpu.uuid());
      if (handle.isEmpty() && d.failedRc == AmdSmiStatus.NOT_INIT.value()
          && smi.amdsmi_init(AmdSmiLibrary.INIT_AMD_GPUS) == SUCCESS) {
        inits++;
        handle = find(d.gpu.uuid());
      }
      if (handle.isPresent()) {
        Pointer info = Memory.allocateDirect(runtime, AmdSmiLibrary.POWER_CAP_INFO_SIZE, true);
        rc = smi.amdsmi_get_power_cap_info(handle.get(), SENSOR, info);
        if (rc == SUCCESS) {
          d.handle = handle.get();
          log.atInfo().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("was", d.failedCode)
              .addKeyValue("limit", microwatts(info, 0)).log("GPU re-initialised; back under control");
          d.failedCode = null;
          d.retry = null;
          return;
        }
      } else {
        rc = AmdSmiStatus.NOT_FOUND.value();
      }
    } catch (GpuException e) {
      rc = d.failedRc;
    }
    d.retry.failedAgain(now);
    log.atWarn().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("code", AmdSmiStatus.codeName(rc))
        .addKeyValue("next_attempt", d.retry.next()).log("GPU re-initialisation failed");
    throw AmdSmiStatus.error(rc, "re-initialising " + d.gpu.label() + " (" + d.gpu.uuid() + ") failed: "
        + describe(smi, rc) + "; next attempt at " + d.retry.next());
  }

  private Optional<Pointer> find(String uuid) {
    int index = 0;
    for (Processor p : processors()) {
      try {
        if (uuid(p.handle(), index++).equals(uuid)) {
          return Optional.of(p.handle());
        }
      } catch (GpuException e) {
        // That processor is not readable (maybe the lost one); look on.
      }
    }
    return Optional.empty();
  }

  private void call(Device d, String function, Call call) {
    check(d, call.call(d.handle), function);
  }

  /** A call whose NOT_SUPPORTED means "no value"; other failures throw. */
  private boolean optional(Device d, String function, Call call) {
    int rc = call.call(d.handle);
    if (rc == AmdSmiStatus.NOT_SUPPORTED.value() || rc == AmdSmiStatus.NOT_YET_IMPLEMENTED.value()
        || rc == AmdSmiStatus.NO_DATA.value() || rc == AmdSmiStatus.NO_ENERGY_DRV.value()) {
      return false;
    }
    check(d, rc, function);
    return true;
  }

  private void check(Device d, int rc, String function) {
    if (rc == SUCCESS) {
      return;
    }
    if (AmdSmiStatus.faultOf(rc) == GpuFault.GPU_LOST && d.failedCode == null) {
      d.failedCode = AmdSmiStatus.codeName(rc);
      d.failedRc = rc;
      d.retry = new RetryBackoff(firstRetry, maxRetry, clock.instant());
      log.atError().addKeyValue("gpu", d.gpu.label()).addKeyValue("uuid", d.gpu.uuid()).addKeyValue("code", d.failedCode)
          .addKeyValue("function", function).addKeyValue("next_attempt", d.retry.next())
          .log("GPU failed; marked failed, the other GPUs stay controlled");
    }
    throw AmdSmiStatus.error(rc, function + " on " + d.gpu.label() + " (" + d.gpu.uuid() + "): " + describe(smi, rc));
  }

  private void open() {
    if (closed) {
      throw new GpuException(GpuFault.LIBRARY_UNUSABLE, AmdSmiStatus.NOT_INIT.codeName(), "AMD SMI backend closed");
    }
  }
}
