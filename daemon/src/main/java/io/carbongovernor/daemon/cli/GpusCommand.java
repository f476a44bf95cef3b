package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.control.GpuBackendFactory;
import io.carbongovernor.daemon.control.StartupException;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.ProcessOwner;
import io.carbongovernor.gpu.ProcessOwners;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/** Lists the GPUs of the configured backend with their limits, power, energy and processes. Reads only. */
@Command(
    name = "gpus",
    description = {
      "List the GPUs with their power limits, power, energy and compute processes.",
      "For each GPU: index, UUID and name; the current power limit (the one set now, by the daemon or"
          + " anyone), the limit the GPU enforces, the driver's default limit and the allowed range; power,"
          + " energy, SM clock and utilisation; each compute process with its user.",
      "Reads only: no limit is changed. With `backend: simulated` the GPUs shown are simulated by this"
          + " command, not those of a running daemon.",
      "GPUs the backend sees but does not control (e.g. an AMD GPU split into compute partitions) are"
          + " listed with why and what to do.",
      "Exit 0 when every GPU was read and is controllable, 1 otherwise."
    })
final class GpusCommand implements Callable<Integer> {

  enum Format {
    text,
    json
  }

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text or json (default: ${DEFAULT-VALUE})")
  Format format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One GPU as read now; {@code error} set when it could not be read. */
  private record Row(Gpu gpu, Optional<GpuSample> sample, List<GpuProcess> processes, List<Optional<ProcessOwner>> owners,
      Optional<String> error) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GovernorConfig loaded;
    try {
      loaded = ConfigLoader.load(config, FileChecks.SKIP);
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "nothing done");
    }
    List<Row> rows = new ArrayList<>();
    Optional<String> driver;
    List<String> notControlled;
    String vendor;
    try (GpuControl gpus = GpuBackendFactory.create(loaded, Clock.systemUTC())) {
      driver = gpus.driverVersion();
      notControlled = gpus.notControlled();
      vendor = gpus.vendor();
      ProcessOwners owners = ProcessOwners.system();
      for (Gpu gpu : gpus.gpus()) {
        rows.add(read(gpus, owners, gpu));
      }
    } catch (StartupException e) {
      err.println("carbon-governor gpus: " + GpuBackendProblem.describe(e, loaded));
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    // With backend auto, which vendor's library was chosen.
    String backend = loaded.gpu().backend().word() + (loaded.gpu().backend() == GpuConfig.Backend.AUTO ? " (" + vendor + ")" : "");
    if (format == Format.json) {
      out.println(json(backend, driver, rows, notControlled));
    } else {
      text(out, backend, driver, rows, notControlled);
    }
    out.flush();
    return rows.stream().allMatch(r -> r.error().isEmpty()) && notControlled.isEmpty()
        ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
  }

  private static Row read(GpuControl gpus, ProcessOwners owners, Gpu gpu) {
    try {
      GpuSample sample = gpus.sample(gpu);
      List<GpuProcess> processes = gpus.processes(gpu);
      List<Optional<ProcessOwner>> who = processes.stream().map(p -> owners.owner(p.pid())).toList();
      return new Row(gpu, Optional.of(sample), processes, who, Optional.empty());
    } catch (GpuException e) {
      return new Row(gpu, Optional.empty(), List.of(), List.of(), Optional.of(e.getMessage()));
    }
  }

  private static void text(PrintWriter out, String backend, Optional<String> driver, List<Row> rows,
      List<String> notControlled) {
    out.printf("%d GPU(s), backend %s%s%n", rows.size(), backend,
        driver.map(d -> ", driver " + d)
            .orElse(backend.equals("simulated") ? " (simulated by this command, not a running daemon's GPUs)" : ""));
    for (String why : notControlled) {
      out.printf("not controlled: %s%n", why);
    }
    for (Row r : rows) {
      Gpu g = r.gpu();
      out.printf("%n%s  %s  %s%n", g.label(), g.uuid(), g.name());
      if (r.error().isPresent()) {
        out.printf("  cannot read: %s%n", r.error().get());
        continue;
      }
      GpuSample s = r.sample().orElseThrow();
      // Labelled so that none is taken for another: status shows the limit now and the original the
      // daemon restores, which need not be the driver's default.
      out.printf("  current limit  %s (set now; the GPU enforces %s)%n", s.limit(), s.enforcedLimit());
      out.printf("  default limit  %s (the driver's; the daemon restores the limit it found)%n", g.defaultLimit());
      out.printf("  allowed limits %s to %s%n", g.constraints().min(), g.constraints().max());
      out.printf("  power %s, energy %s, SM clock %d MHz, utilisation %d %%%n", s.power(),
          s.energy().map(e -> String.format(Locale.ROOT, "%.1f kJ", e.joules() / 1000)).orElse("n/a (no counter)"),
          s.smClockMhz(), s.utilisationPercent());
      if (r.processes().isEmpty()) {
        out.println("  no compute processes");
      }
      for (int i = 0; i < r.processes().size(); i++) {
        GpuProcess p = r.processes().get(i);
        String who = r.owners().get(i)
            .map(o -> o.user() + " (uid " + o.uid() + ", groups " + String.join(",", o.groups()) + ")")
            .orElse("owner unknown");
        out.printf("  pid %d  %s  %s%n", p.pid(), who, mib(p.usedMemoryBytes()));
      }
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }

  private static String json(String backend, Optional<String> driver, List<Row> rows, List<String> notControlled) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("backend", backend);
    doc.put("driver_version", driver.orElse(null));
    List<Object> gpus = new ArrayList<>();
    for (Row r : rows) {
      Gpu g = r.gpu();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", g.index());
      m.put("uuid", g.uuid());
      m.put("name", g.name());
      m.put("min_limit_w", g.constraints().min().watts());
      m.put("max_limit_w", g.constraints().max().watts());
      m.put("default_limit_w", g.defaultLimit().watts());
      r.sample().ifPresent(s -> {
        m.put("current_limit_w", s.limit().watts());
        m.put("enforced_limit_w", s.enforcedLimit().watts());
        m.put("power_w", s.power().watts());
        m.put("energy_j", s.energy().map(e -> (Object) e.joules()).orElse(null));
        m.put("sm_clock_mhz", s.smClockMhz());
        m.put("utilisation_percent", s.utilisationPercent());
      });
      List<Object> processes = new ArrayList<>();
      for (int i = 0; i < r.processes().size(); i++) {
        GpuProcess p = r.processes().get(i);
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("pid", p.pid());
        pm.put("used_memory_bytes", p.usedMemoryBytes());
        Optional<ProcessOwner> o = r.owners().get(i);
        pm.put("uid", o.map(ProcessOwner::uid).orElse(null));
        pm.put("user", o.map(ProcessOwner::user).orElse(null));
        pm.put("groups", o.map(ProcessOwner::groups).orElse(List.of()));
        processes.add(pm);
      }
      m.put("processes", processes);
      r.error().ifPresent(e -> m.put("error", e));
      gpus.add(m);
    }
    doc.put("gpus", gpus);
    doc.put("not_controlled", notControlled);
    return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
  }
}
