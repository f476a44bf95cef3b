package io.carbongovernor.gpu;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The simulated backend; see {@link SimulatedGpus} for the model. Every method is synchronized. */
final class SimulatedGpuBackend implements SimulatedGpuControl {

  private static final class State {
    final Gpu gpu;
    Power limit;
    double energyMillijoules;
    Instant integratedUntil;
    int setCalls;
    GpuFault failure;
    boolean failSetsOnly;
    List<GpuProcess> processes;

    State(Gpu gpu, Instant now, List<GpuProcess> processes) {
      this.gpu = gpu;
      this.limit = gpu.defaultLimit();
      this.integratedUntil = now;
      this.processes = processes;
    }
  }

  private final SimulatedGpus.Model model;
  private final PowerProfile workload;
  private final Clock clock;
  private final List<Gpu> gpus;
  private final List<State> states;
  private final Map<Long, SimulatedAccount> accounts;
  private final DeclaredProcesses declared;
  private final long processMemoryBytes;
  private boolean closed;

  SimulatedGpuBackend(SimulatedGpus.Model model, int count, PowerProfile workload, Clock clock,
      long firstPid, long processMemoryBytes, List<SimulatedWork> work, DeclaredProcesses declared) {
    this.model = model;
    this.workload = workload;
    this.clock = clock;
    this.declared = declared;
    this.processMemoryBytes = processMemoryBytes;
    List<List<GpuProcess>> onGpu = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      onGpu.add(new ArrayList<>());
    }
    Map<Long, SimulatedAccount> owners = new HashMap<>();
    for (int n = 0; n < work.size(); n++) {
      SimulatedWork w = work.get(n);
      long pid = firstPid + n;
      onGpu.get(w.gpu()).add(new GpuProcess(pid, processMemoryBytes));
      w.account().ifPresent(a -> owners.put(pid, a));
    }
    this.accounts = Map.copyOf(owners);
    List<Gpu> list = new ArrayList<>();
    List<State> st = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < count; i++) {
      String uuid = String.format(Locale.ROOT, "GPU-5a5a0000-0000-4000-8000-%012x", i);
      Gpu gpu = new Gpu(i, uuid, model.displayName(), model.constraints(), model.defaultLimit());
      list.add(gpu);
      st.add(new State(gpu, now, List.copyOf(onGpu.get(i))));
    }
    this.gpus = List.copyOf(list);
    this.states = List.copyOf(st);
  }

  @Override
  public String vendor() {
    return "simulated";
  }

  @Override
  public synchronized List<Gpu> gpus() {
    open();
    return gpus;
  }

  @Override
  public synchronized GpuSample sample(Gpu gpu) {
    State s = state(gpu);
    check(s, false);
    integrate(s);
    double throughput = Math.min(1.0, workload.relativeThroughputAt(s.limit));
    int smClock = (int) Math.round(model.maxSmClockMhz() * throughput);
    Energy energy = Energy.ofMillijoules((long) Math.floor(s.energyMillijoules));
    return new GpuSample(draw(s), Optional.of(energy), s.limit, s.limit, smClock, 100);
  }

  @Override
  public synchronized void setPowerLimit(Gpu gpu, Power limit) {
    State s = state(gpu);
    s.setCalls++;
    check(s, true);
    if (!s.gpu.constraints().contains(limit)) {
      throw new GpuException(GpuFault.INVALID_ARGUMENT,
          "power limit " + limit + " outside " + s.gpu.constraints() + " on " + s.gpu.uuid());
    }
    integrate(s);
    s.limit = limit;
  }

  /** The GPU's simulated work, then the real processes that declare it. */
  @Override
  public synchronized List<GpuProcess> processes(Gpu gpu) {
    State s = state(gpu);
    check(s, false);
    List<Long> real = declared.on(s.gpu);
    if (real.isEmpty()) {
      return s.processes;
    }
    List<GpuProcess> all = new ArrayList<>(s.processes);
    real.forEach(pid -> all.add(new GpuProcess(pid, processMemoryBytes)));
    return List.copyOf(all);
  }

  @Override
  public Optional<SimulatedAccount> accountOf(long pid) {
    return Optional.ofNullable(accounts.get(pid)); // fixed at construction: no lock needed
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  @Override
  public synchronized void setLimitExternally(Gpu gpu, Power limit) {
    State s = hookState(gpu);
    if (!s.gpu.constraints().contains(limit)) {
      throw new IllegalArgumentException("limit " + limit + " outside " + s.gpu.constraints());
    }
    integrate(s);
    s.limit = limit;
  }

  @Override
  public synchronized void fail(Gpu gpu, GpuFault code) {
    State s = hookState(gpu);
    s.failure = code;
    s.failSetsOnly = false;
  }

  @Override
  public synchronized void failSets(Gpu gpu, GpuFault code) {
    State s = hookState(gpu);
    s.failure = code;
    s.failSetsOnly = true;
  }

  @Override
  public synchronized void recover(Gpu gpu) {
    hookState(gpu).failure = null;
  }

  @Override
  public synchronized int setCalls(Gpu gpu) {
    return hookState(gpu).setCalls;
  }

  @Override
  public synchronized int totalSetCalls() {
    return states.stream().mapToInt(s -> s.setCalls).sum();
  }

  @Override
  public synchronized void setProcesses(Gpu gpu, List<GpuProcess> processes) {
    hookState(gpu).processes = List.copyOf(processes);
  }

  @Override
  public synchronized void resetEnergyCounter(Gpu gpu) {
    State s = hookState(gpu);
    integrate(s);
    s.energyMillijoules = 0;
  }

  /** Never above the limit: Zeus measured slight overshoot at the lowest limits. */
  private Power draw(State s) {
    return Power.min(workload.averagePowerAt(s.limit), s.limit);
  }

  /** Adds the energy drawn since the last operation at the power that held until now. */
  private void integrate(State s) {
    Instant now = clock.instant();
    if (now.isAfter(s.integratedUntil)) {
      Duration elapsed = Duration.between(s.integratedUntil, now);
      s.energyMillijoules += draw(s).milliwatts() * (elapsed.toNanos() / 1e9);
      s.integratedUntil = now;
    }
  }

  private void check(State s, boolean setting) {
    if (s.failure != null && (setting || !s.failSetsOnly)) {
      throw new GpuException(s.failure, "simulated failure on " + s.gpu.uuid());
    }
  }

  private State state(Gpu gpu) {
    open();
    for (State s : states) {
      if (s.gpu.uuid().equals(gpu.uuid())) {
        return s;
      }
    }
    throw new GpuException(GpuFault.NOT_FOUND, "no simulated GPU " + gpu.uuid());
  }

  private State hookState(Gpu gpu) {
    for (State s : states) {
      if (s.gpu.uuid().equals(gpu.uuid())) {
        return s;
      }
    }
    throw new IllegalArgumentException("no simulated GPU " + gpu.uuid());
  }

  private void open() {
    if (closed) {
      throw new GpuException(GpuFault.LIBRARY_UNUSABLE, "simulated GPUs closed");
    }
  }
}
