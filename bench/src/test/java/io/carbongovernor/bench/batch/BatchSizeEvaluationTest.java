package io.carbongovernor.bench.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BatchSizeEvaluationTest {

  @Test
  void theZeusTraceDirectoryIsAlwaysNamedNeverAssumedOutsideTheRepository() {
    assertThatThrownBy(() -> BatchSizeEvaluation.traceDir(BatchSizeEvaluation.options(new String[] {"--gpu", "v100"})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--trace-dir is required")
        .hasMessageContaining("summary_train.csv");
  }

  @Test
  void theNamedTraceDirectoryIsTaken() {
    assertThat(BatchSizeEvaluation.traceDir(BatchSizeEvaluation.options(new String[] {"--trace-dir", "/data/zeus"})))
        .isEqualTo(Path.of("/data/zeus"));
  }
}
