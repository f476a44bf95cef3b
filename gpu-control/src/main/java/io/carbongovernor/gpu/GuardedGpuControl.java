package io.carbongovernor.gpu;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety layer: wraps any {@link GpuControl} and enforces the safety invariants of
 * docs/architecture.md on every limit change. Per GPU and per {@link #apply} it:
 *
 * <ol>
 *   <li>reads the current limit; a value neither this layer set nor last read means someone else
 *       (e.g. {@code nvidia-smi -pl}, {@code amd-smi set --power-cap}) changed it: the GPU is held for the operator and left alone
 *       until its limit is back at the original or at the last value set here;
 *   <li>clamps the request into the GPU's {@code [min, max]};
 *   <li>skips changes smaller than the minimum step, except a return to the original limit;
 *   <li>in shadow mode, logs what it would set and stops there (no setter, no ledger write);
 *   <li>durably ledgers the original limit before the first change and every set before it is
 *       made (the changes of one {@link #apply} together, with one fsync), then sets, and reads
 *       back, warning when the GPU reports another limit.
 * </ol>
 *
 * Restoring ({@link #restore}) undoes only what the daemon did: a GPU found at a limit the
 * ledger does not know the daemon for was changed by an operator since, and is left as it is.
 *
 * A failure on one GPU becomes that GPU's {@link LimitOutcome} and never stops the others. A GPU
 * whose setter is refused ({@link GpuFault#NO_PERMISSION}) continues in shadow mode on its own. A
 * GPU that was lost ({@link GpuFault#GPU_LOST}) and answers again may have been reset to its
 * default limit; that is not taken for an operator's change, so control resumes. {@link #close()}
 * closes the backend and the ledger but changes no limit; call {@link #restoreAll()} first.
 * Thread-safe. This layer decides on {@link GpuFault}s only: it knows no vendor, and a vendor's
 * return codes reach it only as the opaque {@link GpuException#code()} it logs and reports.
 */
public final class GuardedGpuControl implements GpuControl {

  public static final Power DEFAULT_MINIMUM_STEP = Power.ofWatts(5);

  private static final Logger log = LoggerFactory.getLogger("safety");

  /** What the layer knows about one GPU, by UUID. */
  private static final class Track {
    Gpu gpu;
    Power startupLimit;
    Power lastSet;
    Power lastRead;
    boolean held;
    boolean lost;
    String shadowReason;
    String shadowCode;
  }

  /** Why a GPU whose setter was refused continues in shadow mode. */
  static final String NO_PERMISSION_REASON =
      "no permission to set power limits: needs root or the CAP_SYS_ADMIN capability";

  private final GpuControl backend;
  private final Ledger ledger;
  private final GpuLocks locks;
  private final Power minimumStep;
  private final boolean shadow;
  private final Map<String, Track> tracks = new HashMap<>();

  private GuardedGpuControl(GpuControl backend, Ledger ledger, GpuLocks locks, Power minimumStep, boolean shadow) {
    this.backend = backend;
    this.ledger = ledger;
    this.locks = locks;
    this.minimumStep = minimumStep;
    this.shadow = shadow;
    for (Gpu gpu : backend.gpus()) {
      Track t = track(gpu);
      // After a crash the ledger knows what the previous run set, so that is not "someone else".
      t.lastSet = ledger.lastSetLimit(gpu.uuid()).orElse(null);
      try {
        t.startupLimit = backend.sample(gpu).limit();
        t.lastRead = t.startupLimit;
      } catch (GpuException e) {
        log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code())
            .log("cannot read power limit at startup");
      }
    }
  }

  /** Enforcing layer with the default minimum step of 5 W. */
  public static GuardedGpuControl create(GpuControl backend, Ledger ledger) {
    return builder(backend, ledger).build();
  }

  public static Builder builder(GpuControl backend, Ledger ledger) {
    return new Builder(backend, ledger);
  }

  /** Options of the safety layer. */
  public static final class Builder {
    private final GpuControl backend;
    private final Ledger ledger;
    private Power minimumStep = DEFAULT_MINIMUM_STEP;
    private boolean shadow;
    private GpuLocks locks = GpuLocks.none();

    private Builder(GpuControl backend, Ledger ledger) {
      this.backend = Objects.requireNonNull(backend, "backend");
      this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** Changes smaller than this are skipped (hysteresis), except a return to the original. */
    public Builder minimumStep(Power step) {
      this.minimumStep = Objects.requireNonNull(step, "step");
      return this;
    }

    /** Shadow mode: decide and log, never call a setter nor write the ledger. */
    public Builder shadow(boolean shadow) {
      this.shadow = shadow;
      return this;
    }

    /** The host-wide GPU locks this layer holds until {@link #close()}. */
    public Builder locks(GpuLocks locks) {
      this.locks = Objects.requireNonNull(locks, "locks");
      return this;
    }

    /** Reads every GPU's current limit as its startup snapshot. */
    public GuardedGpuControl build() {
      return new GuardedGpuControl(backend, ledger, locks, minimumStep, shadow);
    }
  }

  @Override
  public List<Gpu> gpus() {
    return backend.gpus();
  }

  @Override
  public GpuSample sample(Gpu gpu) {
    return backend.sample(gpu);
  }

  @Override
  public String vendor() {
    return backend.vendor();
  }

  @Override
  public Optional<String> driverVersion() {
    return backend.driverVersion();
  }

  @Override
  public List<String> notControlled() {
    return backend.notControlled();
  }

  @Override
  public List<GpuProcess> processes(Gpu gpu) {
    return backend.processes(gpu);
  }

  /**
   * {@link #apply} for one GPU.
   *
   * @throws GpuException when the outcome is {@link LimitOutcome.Status#FAILED}
   */
  @Override
  public void setPowerLimit(Gpu gpu, Power limit) {
    LimitOutcome outcome = apply(Map.of(gpu, limit)).get(0);
    if (outcome.status() == LimitOutcome.Status.FAILED) {
      throw new GpuException(outcome.fault().orElse(GpuFault.UNKNOWN), outcome.errorCode().orElse(LimitOutcome.UNEXPECTED),
          outcome.detail());
    }
    if (outcome.status() == LimitOutcome.Status.SHADOW && !shadow) {
      throw new GpuException(GpuFault.NO_PERMISSION, shadowCode(gpu), outcome.detail());
    }
  }

  /** Closes the backend and the ledger, and lets go of the GPU locks. Changes no limit. */
  @Override
  public void close() {
    try {
      backend.close();
    } finally {
      try {
        ledger.close();
      } finally {
        locks.close();
      }
    }
  }

  public boolean shadow() {
    return shadow;
  }

  public Power minimumStep() {
    return minimumStep;
  }

  /** Applies a target limit to each GPU; one outcome per GPU, in GPU index order. */
  public synchronized List<LimitOutcome> apply(Map<Gpu, Power> targets) {
    List<Map.Entry<Gpu, Power>> ordered = new ArrayList<>(targets.entrySet());
    ordered.sort(Comparator.comparingInt((Map.Entry<Gpu, Power> e) -> e.getKey().index()));
    // First decide every GPU, then ledger every change at once (one fsync), then set.
    List<Object> decided = new ArrayList<>();
    List<Ledger.LimitChange> changes = new ArrayList<>();
    for (Map.Entry<Gpu, Power> e : ordered) {
      Gpu gpu = e.getKey();
      Power requested = Objects.requireNonNull(e.getValue(), "target");
      Object d;
      try {
        d = decide(gpu, requested);
      } catch (RuntimeException ex) {
        d = unexpected(gpu, requested, ex);
      }
      if (d instanceof Change c) {
        changes.add(new Ledger.LimitChange(gpu.uuid(), c.current(), c.target()));
      }
      decided.add(d);
    }
    Optional<String> ledgerFailure = Optional.empty();
    if (!changes.isEmpty()) {
      try {
        for (String uuid : ledger.recordChanges(changes)) {
          log.atInfo().addKeyValue("uuid", uuid).addKeyValue("original", ledger.originalLimit(uuid).orElseThrow())
              .log("original power limit ledgered");
        }
      } catch (UncheckedIOException | IllegalArgumentException e) {
        log.atError().setCause(e).log("cannot ledger power limit changes; no GPU changed");
        ledgerFailure = Optional.of(e.getMessage());
      }
    }
    List<LimitOutcome> outcomes = new ArrayList<>();
    for (Object d : decided) {
      if (d instanceof LimitOutcome done) {
        outcomes.add(done);
      } else {
        Change c = (Change) d;
        try {
          outcomes.add(ledgerFailure.isPresent()
              ? c.outcome(LimitOutcome.Status.FAILED, Optional.of(LimitOutcome.LEDGER_WRITE_FAILED),
                  "ledger write failed: " + ledgerFailure.get())
              : set(c));
        } catch (RuntimeException ex) {
          outcomes.add(unexpected(c.gpu(), c.requested(), ex));
        }
      }
    }
    return outcomes;
  }

  /** A change decided for a GPU: ledgered, then set. */
  private record Change(Gpu gpu, Power requested, Power target, Power current, boolean clamped) {
    LimitOutcome outcome(LimitOutcome.Status status, Optional<String> code, String detail) {
      return new LimitOutcome(gpu, status, requested, target, Optional.of(current), clamped, code, detail);
    }
  }

  /** A backend bug on one GPU must not stop the others. */
  private static LimitOutcome unexpected(Gpu gpu, Power requested, RuntimeException ex) {
    log.atError().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).setCause(ex).log("unexpected failure setting power limit");
    Power target = gpu.constraints().clamp(requested);
    return new LimitOutcome(gpu, LimitOutcome.Status.FAILED, requested, target, Optional.empty(),
        !target.equals(requested), Optional.of(LimitOutcome.UNEXPECTED), String.valueOf(ex));
  }

  /** The outcome for a GPU that needs no set, or the {@link Change} to make. */
  private Object decide(Gpu gpu, Power requested) {
    Track t = track(gpu);
    Power target = gpu.constraints().clamp(requested);
    boolean clamped = !target.equals(requested);
    Power current;
    try {
      current = backend.sample(gpu).limit();
    } catch (GpuException e) {
      log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code()).log("cannot read GPU");
      if (e.is(GpuFault.GPU_LOST)) {
        t.lost = true;
      }
      return new LimitOutcome(gpu, LimitOutcome.Status.FAILED, requested, target, Optional.empty(), clamped,
          Optional.of(e.code()), "read failed: " + e.getMessage(), Optional.of(e.fault()));
    }
    if (t.startupLimit == null) {
      t.startupLimit = current;
    }
    if (t.lost) {
      // A lost GPU comes back reset, at its default limit: not an operator's doing.
      t.lost = false;
      t.lastRead = null;
      log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("limit", current)
          .log("GPU answers again; resuming control");
    }
    noticeOperator(gpu, t, current);
    t.lastRead = current;
    Optional<Power> previous = Optional.of(current);
    if (t.held) {
      return new LimitOutcome(gpu, LimitOutcome.Status.HELD_BY_OPERATOR, requested, target, previous, clamped,
          Optional.empty(), "limit " + current + " set by someone else; left alone");
    }
    if (clamped) {
      log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("requested", requested)
          .addKeyValue("clamped", target).addKeyValue("constraints", gpu.constraints())
          .log("requested power limit outside the GPU's range, clamped");
    }
    Power original = originalLimit(gpu);
    if (target.equals(current)) {
      return new LimitOutcome(gpu, LimitOutcome.Status.UNCHANGED, requested, target, previous, clamped,
          Optional.empty(), "already at " + current);
    }
    if (target.distanceTo(current).isBelow(minimumStep) && !target.equals(original)) {
      return new LimitOutcome(gpu, LimitOutcome.Status.UNCHANGED, requested, target, previous, clamped,
          Optional.empty(), "change " + current + " -> " + target + " below minimum step " + minimumStep);
    }
    if (shadow || t.shadowReason != null) {
      log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("from", current).addKeyValue("to", target)
          .log("shadow mode: would set power limit");
      return new LimitOutcome(gpu, LimitOutcome.Status.SHADOW, requested, target, previous, clamped,
          Optional.empty(), (t.shadowReason != null && !shadow ? t.shadowReason + "; " : "")
              + "would set " + current + " -> " + target);
    }
    return new Change(gpu, requested, target, current, clamped);
  }

  /** Makes a ledgered change. */
  private LimitOutcome set(Change c) {
    Gpu gpu = c.gpu();
    Track t = track(gpu);
    try {
      backend.setPowerLimit(gpu, c.target());
    } catch (GpuException e) {
      if (e.is(GpuFault.NO_PERMISSION)) {
        t.shadowReason = NO_PERMISSION_REASON;
        t.shadowCode = e.code();
        log.atError().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code())
            .log("setting power limits needs root or the CAP_SYS_ADMIN capability; this GPU continues in shadow mode "
                + "(run the daemon as root or grant it CAP_SYS_ADMIN, then restart it)");
      } else {
        log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("to", c.target()).addKeyValue("code", e.code())
            .log("setting power limit failed");
      }
      return new LimitOutcome(gpu, LimitOutcome.Status.FAILED, c.requested(), c.target(), Optional.of(c.current()),
          c.clamped(), Optional.of(e.code()), "set failed: " + e.getMessage(), Optional.of(e.fault()));
    }
    t.lastSet = c.target();
    return c.outcome(LimitOutcome.Status.APPLIED, Optional.empty(), c.current() + " -> " + c.target() + readBack(gpu, t, c.target()));
  }

  /** The backend's code for the refusal that put the GPU in shadow mode. */
  private synchronized String shadowCode(Gpu gpu) {
    Track t = tracks.get(gpu.uuid());
    return t != null && t.shadowCode != null ? t.shadowCode : GpuFault.NO_PERMISSION.name();
  }

  /** Holds the GPU when its limit moved without us; releases it when the operator's limit is gone. */
  private void noticeOperator(Gpu gpu, Track t, Power current) {
    if (t.held) {
      if (current.equals(originalLimit(gpu)) || current.equals(t.lastSet)) {
        t.held = false;
        log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("limit", current)
            .log("operator's power limit is gone; resuming control");
      }
      return;
    }
    boolean ours = current.equals(t.lastSet) || current.equals(t.lastRead);
    if (!ours && t.lastRead != null) {
      t.held = true;
      log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("limit", current)
          .addKeyValue("expected", t.lastSet != null ? t.lastSet : t.lastRead)
          .log("power limit changed by someone else; leaving this GPU alone");
    }
  }

  /** Reads the GPU after a set; returns a note for the outcome's detail. */
  private String readBack(Gpu gpu, Track t, Power target) {
    try {
      GpuSample after = backend.sample(gpu);
      t.lastRead = after.limit();
      if (!after.limit().equals(target) || !after.enforcedLimit().equals(target)) {
        log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("requested", target)
            .addKeyValue("limit", after.limit()).addKeyValue("enforced", after.enforcedLimit())
            .log("read-back differs from the limit set");
        return " (read back limit " + after.limit() + ", enforced " + after.enforcedLimit() + ")";
      }
      return "";
    } catch (GpuException e) {
      log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code()).log("read-back failed");
      return " (read-back failed: " + e.code() + ")";
    }
  }

  /**
   * What "full speed" is for the GPU: its ledgered original limit, else the limit read when this
   * layer was created (else its default limit, if it could never be read).
   */
  public synchronized Power originalLimit(Gpu gpu) {
    Optional<Power> ledgered = ledger.originalLimit(gpu.uuid());
    if (ledgered.isPresent()) {
      return ledgered.get();
    }
    Track t = tracks.get(gpu.uuid());
    return t != null && t.startupLimit != null ? t.startupLimit : gpu.defaultLimit();
  }

  /** Why the GPU is in shadow mode on its own (its setter was refused); empty when it is not. */
  public synchronized Optional<String> shadowReason(Gpu gpu) {
    Track t = tracks.get(gpu.uuid());
    return Optional.ofNullable(t == null ? null : t.shadowReason);
  }

  /** Whether the GPU is left alone because someone else changed its limit. */
  public synchronized boolean heldByOperator(Gpu gpu) {
    Track t = tracks.get(gpu.uuid());
    return t != null && t.held;
  }

  /** Resumes control of a GPU held for the operator (config or command says so). */
  public synchronized void release(Gpu gpu) {
    Track t = track(gpu);
    if (t.held) {
      t.held = false;
      t.lastRead = null;
      log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).log("operator hold released");
    }
  }

  /** The state of every GPU seen so far, by UUID, in GPU index order. Does no I/O. */
  public synchronized Map<String, GpuControlState> states() {
    List<Track> known = new ArrayList<>(tracks.values());
    known.sort(Comparator.comparingInt(t -> t.gpu.index()));
    Map<String, GpuControlState> states = new LinkedHashMap<>();
    for (Track t : known) {
      Gpu gpu = t.gpu;
      states.put(gpu.uuid(), new GpuControlState(gpu.uuid(), originalLimit(gpu),
          ledger.originalLimit(gpu.uuid()).isPresent(), Optional.ofNullable(t.lastSet),
          Optional.ofNullable(t.lastRead), t.held, Optional.ofNullable(t.shadowReason)));
    }
    return states;
  }

  /**
   * Returns every ledgered GPU to its original limit and forgets those that made it (see {@link
   * #restore}). In shadow mode nothing is set and the ledger is kept.
   */
  public synchronized List<RestoreResult> restoreAll() {
    if (shadow) {
      List<RestoreResult> results = new ArrayList<>();
      ledger.originalLimits().forEach((uuid, original) -> {
        log.atInfo().addKeyValue("uuid", uuid).addKeyValue("to", original).log("shadow mode: would restore");
        results.add(new RestoreResult(uuid, Optional.empty(), original, RestoreResult.Status.SHADOW,
            Optional.empty(), "shadow mode: not restored"));
      });
      return results;
    }
    List<RestoreResult> results = restore(backend, ledger);
    for (RestoreResult r : results) {
      boolean atOriginal = r.status() == RestoreResult.Status.RESTORED || r.status() == RestoreResult.Status.ALREADY_AT_ORIGINAL;
      if (atOriginal && r.gpu().isPresent()) {
        Track t = track(r.gpu().get());
        t.held = false;
        t.lastSet = r.status() == RestoreResult.Status.RESTORED ? r.originalLimit() : t.lastSet;
        t.lastRead = r.originalLimit();
        t.startupLimit = r.originalLimit();
      }
    }
    return results;
  }

  /**
   * Returns every GPU in the ledger to its original limit, found by UUID among the backend's GPUs,
   * when its limit is still one the daemon set (the ledger's last set, or the limit before it when
   * the process died between ledgering and setting). A GPU at any other limit was changed by an
   * operator since: it is left as the operator set it, logged, and dropped from the ledger. A GPU
   * whose ledger lines cannot be trusted (no original; an original outside the GPU's range) is not
   * touched, reported as {@link RestoreResult#LEDGER_DAMAGED} with the line and what to do, and
   * kept. Entries restored, already at their original or left for the operator are removed from
   * the ledger; failed and missing ones stay for a later attempt. Usable without the rest of the
   * daemon, e.g. by the {@code restore} command.
   */
  public static List<RestoreResult> restore(GpuControl backend, Ledger ledger) {
    Map<String, Power> originals = ledger.originalLimits();
    Map<String, String> problems = ledger.problems();
    List<String> uuids = new ArrayList<>(originals.keySet());
    problems.keySet().stream().filter(u -> !uuids.contains(u)).forEach(uuids::add);
    List<RestoreResult> results = new ArrayList<>();
    if (uuids.isEmpty()) {
      return results;
    }
    List<Gpu> gpus;
    try {
      gpus = backend.gpus();
    } catch (GpuException e) {
      log.atError().addKeyValue("code", e.code()).log("cannot list GPUs; nothing restored");
      for (String uuid : uuids) {
        results.add(new RestoreResult(uuid, Optional.empty(), originals.getOrDefault(uuid, Power.ZERO),
            RestoreResult.Status.FAILED, Optional.of(e.code()), "cannot list GPUs: " + e.getMessage()));
      }
      return results;
    }
    List<String> done = new ArrayList<>();
    for (String uuid : uuids) {
      Optional<Gpu> gpu = gpus.stream().filter(g -> g.uuid().equals(uuid)).findFirst();
      RestoreResult r;
      if (problems.containsKey(uuid)) {
        log.atError().addKeyValue("uuid", uuid).addKeyValue("problem", problems.get(uuid)).log("ledger damaged; GPU not touched");
        r = new RestoreResult(uuid, gpu, Power.ZERO, RestoreResult.Status.FAILED,
            Optional.of(RestoreResult.LEDGER_DAMAGED), problems.get(uuid));
      } else if (gpu.isEmpty()) {
        log.atWarn().addKeyValue("uuid", uuid).addKeyValue("original", originals.get(uuid))
            .log("ledgered GPU not present; kept in the ledger");
        r = new RestoreResult(uuid, gpu, originals.get(uuid), RestoreResult.Status.NOT_PRESENT, Optional.empty(),
            "GPU not present");
      } else {
        r = restoreOne(backend, gpu.get(), ledger);
      }
      results.add(r);
      if (r.succeeded()) {
        done.add(uuid);
      }
    }
    try {
      if (done.size() == uuids.size()) {
        ledger.clear();
      } else if (!done.isEmpty()) {
        ledger.clear(done);
      }
    } catch (UncheckedIOException e) {
      // Limits are restored; stale entries only cause a harmless second restore.
      log.atError().setCause(e).log("cannot clear restored entries from the ledger");
    }
    return results;
  }

  private static RestoreResult restoreOne(GpuControl backend, Gpu gpu, Ledger ledger) {
    Power original = ledger.originalLimit(gpu.uuid()).orElseThrow();
    Optional<Gpu> present = Optional.of(gpu);
    if (!gpu.constraints().contains(original)) {
      String why = ledger.whereOriginal(gpu.uuid()) + ": the original limit " + original + " recorded for " + gpu.uuid()
          + " is outside the GPU's range " + gpu.constraints() + ", so it cannot be the original; "
          + Ledger.byHand(gpu.uuid());
      log.atError().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("problem", why)
          .log("ledger damaged; GPU not touched");
      return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.FAILED,
          Optional.of(RestoreResult.LEDGER_DAMAGED), why);
    }
    try {
      Power current = backend.sample(gpu).limit();
      if (current.equals(original)) {
        return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.ALREADY_AT_ORIGINAL,
            Optional.empty(), "already at " + original);
      }
      Optional<Ledger.LimitChange> last = ledger.lastChange(gpu.uuid());
      boolean ours = last.isPresent() && (current.equals(last.get().newLimit()) || current.equals(last.get().oldLimit()));
      if (!ours) {
        String set = last.map(c -> "the daemon last set " + c.newLimit()).orElse("the daemon never set it");
        log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("limit", current)
            .addKeyValue("original", original).addKeyValue("daemon_set", last.map(c -> c.newLimit().toString()).orElse("none"))
            .log("power limit changed by someone else since the daemon set it; left as they set it and dropped from the ledger");
        return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.LEFT_FOR_OPERATOR,
            Optional.empty(), "left at " + current + ", set by someone else (" + set + ")");
      }
    } catch (GpuException e) {
      // Unreadable is no reason not to try the set: the limit most likely is still the daemon's.
      log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code()).log("cannot read GPU before restore");
    }
    try {
      backend.setPowerLimit(gpu, original);
    } catch (GpuException e) {
      log.atError().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("to", original).addKeyValue("code", e.code())
          .log("restoring power limit failed; kept in the ledger");
      return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.FAILED,
          Optional.of(e.code()), "set failed: " + e.getMessage());
    }
    try {
      Power after = backend.sample(gpu).limit();
      if (!after.equals(original)) {
        log.atError().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("to", original).addKeyValue("limit", after)
            .log("restore read-back differs; kept in the ledger");
        return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.FAILED,
            Optional.of(RestoreResult.READ_BACK_MISMATCH), "read back " + after + " after setting " + original);
      }
    } catch (GpuException e) {
      log.atWarn().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("code", e.code()).log("restore read-back failed");
    }
    log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).addKeyValue("limit", original).log("power limit restored");
    return new RestoreResult(gpu.uuid(), present, original, RestoreResult.Status.RESTORED, Optional.empty(),
        "restored to " + original);
  }

  private Track track(Gpu gpu) {
    Track t = tracks.computeIfAbsent(gpu.uuid(), u -> new Track());
    t.gpu = gpu;
    return t;
  }
}
