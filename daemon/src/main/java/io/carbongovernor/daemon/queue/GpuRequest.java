package io.carbongovernor.daemon.queue;

import java.util.List;

/** Which GPUs a submitted job gets: the ones named, any {@code count} of them, or none. */
public sealed interface GpuRequest {

  /** GPUs by index or UUID, as {@code --gpus 0,1} or {@code --gpus GPU-...}. */
  record Named(List<String> refs) implements GpuRequest {
    public Named {
      refs = List.copyOf(refs);
      if (refs.isEmpty()) {
        throw new IllegalArgumentException("no GPU named");
      }
    }
  }

  /** Any {@code count} GPUs, chosen when the job starts (the least busy first). */
  record Count(int count) implements GpuRequest {
    public Count {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1");
      }
    }
  }

  /** No GPU: CUDA_VISIBLE_DEVICES is set empty. */
  record None() implements GpuRequest {}
}
