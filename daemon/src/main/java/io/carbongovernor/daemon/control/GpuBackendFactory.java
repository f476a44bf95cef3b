package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.gpu.DeclaredProcesses;
import io.carbongovernor.gpu.GpuBackend;
import io.carbongovernor.gpu.GpuBackends;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Builds the GPU backend a config names; used by {@code run}, {@code gpus} and {@code restore}. */
public final class GpuBackendFactory {

  private GpuBackendFactory() {}

  /** @throws StartupException when the backend cannot be started; the message says what to do */
  public static GpuControl create(GovernorConfig config, Clock clock) {
    GpuConfig gpu = config.gpu();
    return switch (gpu.backend()) {
      case SIMULATED -> simulated(gpu.simulated(), clock);
      case AUTO -> auto(config, clock);
      default -> open(backend(gpu.backend().word()), config, clock);
    };
  }

  /** The registered vendor backend of that name. */
  static GpuBackend backend(String name) {
    return GpuBackends.named(name).orElseThrow(() -> new StartupException(
        "gpu.backend: " + name + " is not registered; registered: "
            + GpuBackends.all().stream().map(GpuBackend::name).toList()));
  }

  /** The configured library of a vendor backend, or its default. */
  public static String library(GpuBackend backend, GovernorConfig config) {
    return library(config.gpu().library(backend.name()).orElse(backend.defaultLibrary()), config.sourceFile());
  }

  /** A path with a slash is relative to the config file; a bare name goes to the dynamic loader. */
  static String library(String configured, Path configFile) {
    if (!configured.contains("/")) {
      return configured;
    }
    Path p = Path.of(configured);
    Path dir = configFile.toAbsolutePath().getParent();
    return (p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize()).toString();
  }

  private static GpuControl open(GpuBackend backend, GovernorConfig config, Clock clock) {
    String library = library(backend, config);
    try {
      return backend.open(new GpuBackend.Options(library, clock));
    } catch (GpuException e) {
      if (e.is(GpuFault.LIBRARY_NOT_FOUND) || e.is(GpuFault.LIBRARY_UNUSABLE)) {
        throw new StartupException("cannot use " + backend.libraryLabel() + " (gpu."
            + backend.name() + "-library: " + library + "): " + e.getMessage() + ". Backend " + backend.name()
            + " needs the " + backend.software() + "'s " + backend.defaultLibrary() + ". To run without "
            + backend.vendor() + " GPUs, set `backend: simulated` under `gpu:`; to watch decisions on real GPUs "
            + "without changing any limit, set `mode: shadow`.", e);
      }
      throw new StartupException(
          "cannot initialise " + backend.libraryLabel() + " (" + library + "): " + e.getMessage(), e);
    }
  }

  /**
   * {@code backend: auto}: the first vendor, by name, whose library loads and sees at least one GPU.
   * When none does, says what each answered.
   */
  private static GpuControl auto(GovernorConfig config, Clock clock) {
    List<String> tried = new ArrayList<>();
    for (GpuBackend backend : GpuBackends.all()) {
      String library = library(backend, config);
      GpuControl opened;
      try {
        opened = backend.open(new GpuBackend.Options(library, clock));
      } catch (GpuException e) {
        tried.add(backend.name() + " (" + library + "): " + e.getMessage().lines().findFirst().orElse(""));
        continue;
      }
      if (!opened.gpus().isEmpty()) {
        LoggerFactory.getLogger("gpu").atInfo().addKeyValue("backend", backend.name()).addKeyValue("library", library)
            .addKeyValue("gpus", opened.gpus().size()).log("gpu.backend auto: chose the vendor whose library sees GPUs");
        return opened;
      }
      opened.close();
      tried.add(backend.name() + " (" + library + "): loads, but sees no GPU");
    }
    throw new StartupException("gpu.backend: auto found no vendor library that sees a GPU; tried "
        + String.join("; ", tried) + ". Install the GPU driver, name the backend and its library (gpu.backend, "
        + "gpu.nvml-library, gpu.amdsmi-library), or set `backend: simulated` under `gpu:`.");
  }

  private static GpuControl simulated(GpuConfig.Simulated config, Clock clock) {
    String family = config.model().word();
    PowerProfile workload;
    try {
      workload = ZeusProfiles.bundled(family).profile(config.workload(), config.batchSize());
    } catch (IllegalArgumentException e) {
      throw new StartupException("gpu.simulated: " + e.getMessage(), e);
    }
    DeclaredProcesses declared;
    try {
      declared = config.realProcesses() ? DeclaredProcesses.system() : DeclaredProcesses.none();
    } catch (UncheckedIOException e) {
      throw new StartupException("gpu.simulated.real-processes: " + e.getMessage(), e);
    }
    return SimulatedGpus.builder()
        .model(family)
        .count(config.count())
        .workload(workload)
        .clock(clock)
        .work(config.work())
        .declaredProcesses(declared)
        .build();
  }
}
