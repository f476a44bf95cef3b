package io.carbongovernor.bench.batch;

import java.util.List;

/**
 * A recurring job of the Zeus traces with the defaults Zeus's own simulator gives it
 * ({@code get_job_with_defaults} in {@code examples/research_reproducibility/zeus_nsdi23/run_alibaba.py}
 * of ml-energy/zeus): optimizer, target metric, maximum epochs, and the default batch size
 * {@code b0}, capped there at the largest size the GPU's power trace has.
 */
record Workload(String name, String optimizer, double target, int maxEpochs, int defaultBatchSize) {

  static final List<Workload> ZEUS_DEFAULTS = List.of(
      new Workload("cifar100/shufflenetv2", "adadelta", 0.6, 100, 1024),
      new Workload("imagenet/resnet50", "adadelta", 0.65, 100, 256),
      new Workload("squad/bert_base_uncased", "adamw", 84.0, 6, 32),
      new Workload("librispeech/deepspeech2", "adamw", 40.0, 16, 256),
      new Workload("movielens-1m/ncf", "adam", 0.41, 100, 1024),
      new Workload("sentiment140/bert_base_uncased", "adamw", 0.84, 10, 128));

  /** Zeus's {@code b0 = min(default, largest size in the power trace)}. */
  int defaultFor(int largestProfiled) {
    return Math.min(defaultBatchSize, largestProfiled);
  }
}
