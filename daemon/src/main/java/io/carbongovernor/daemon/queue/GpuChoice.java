package io.carbongovernor.daemon.queue;

import io.carbongovernor.gpu.Gpu;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/** Which of the node's GPUs a starting job gets. */
final class GpuChoice {

  /** A request the node cannot serve now; the message says why. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private GpuChoice() {}

  /**
   * The GPUs named (by index or UUID), or the {@code count} least busy (fewest processes, then
   * lowest index), or none.
   */
  static List<Gpu> choose(GpuRequest request, List<Gpu> gpus, ToIntFunction<Gpu> busy) throws Unavailable {
    if (request instanceof GpuRequest.Named named) {
      List<Gpu> out = new ArrayList<>();
      for (String ref : named.refs()) {
        Gpu gpu = gpus.stream().filter(g -> g.isNamedBy(ref)).findFirst()
            .orElseThrow(() -> new Unavailable("no GPU '" + ref + "' on this node"));
        if (!out.contains(gpu)) {
          out.add(gpu);
        }
      }
      return out;
    }
    if (request instanceof GpuRequest.Count count) {
      if (count.count() > gpus.size()) {
        throw new Unavailable(count.count() + " GPUs asked for; this node has " + gpus.size());
      }
      return gpus.stream()
          .sorted(Comparator.<Gpu>comparingInt(busy::applyAsInt).thenComparingInt(Gpu::index))
          .limit(count.count())
          .toList();
    }
    return List.of();
  }
}
