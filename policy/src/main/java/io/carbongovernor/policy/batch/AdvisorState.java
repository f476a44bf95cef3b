package io.carbongovernor.policy.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the advisor has learned: for every recurring job, its finished runs in the order they
 * finished. An immutable value; {@link #withOutcome} returns a new state. The order matters (the
 * pruning phase is replayed from it), so a store must give the runs back in the order it got
 * them.
 */
public final class AdvisorState {

  private static final AdvisorState EMPTY = new AdvisorState(Map.of());

  private final Map<JobKey, List<RunOutcome>> runs;

  private AdvisorState(Map<JobKey, List<RunOutcome>> runs) {
    this.runs = runs;
  }

  /** Nothing learned yet. */
  public static AdvisorState empty() {
    return EMPTY;
  }

  /** A state holding these runs per job (as loaded from a store), each list oldest first. */
  public static AdvisorState of(Map<JobKey, List<RunOutcome>> runs) {
    Objects.requireNonNull(runs, "runs");
    Map<JobKey, List<RunOutcome>> copy = new LinkedHashMap<>();
    runs.forEach((key, list) -> {
      Objects.requireNonNull(key, "job key");
      if (!list.isEmpty()) {
        copy.put(key, List.copyOf(list));
      }
    });
    return copy.isEmpty() ? EMPTY : new AdvisorState(Collections.unmodifiableMap(copy));
  }

  /** This state with one more finished run of {@code job}. */
  public AdvisorState withOutcome(JobKey job, RunOutcome outcome) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(outcome, "outcome");
    Map<JobKey, List<RunOutcome>> copy = new LinkedHashMap<>(runs);
    List<RunOutcome> list = new ArrayList<>(runs.getOrDefault(job, List.of()));
    list.add(outcome);
    copy.put(job, List.copyOf(list));
    return new AdvisorState(Collections.unmodifiableMap(copy));
  }

  /** The finished runs of {@code job}, oldest first; empty for a job never seen. */
  public List<RunOutcome> outcomes(JobKey job) {
    return runs.getOrDefault(job, List.of());
  }

  /** Every job with at least one finished run. */
  public Set<JobKey> jobs() {
    return runs.keySet();
  }

  /** Every job's runs, oldest first (what a store persists). */
  public Map<JobKey, List<RunOutcome>> asMap() {
    return runs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdvisorState other && runs.equals(other.runs);
  }

  @Override
  public int hashCode() {
    return runs.hashCode();
  }

  @Override
  public String toString() {
    return "AdvisorState" + runs;
  }
}
