package io.carbongovernor.bench.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import io.carbongovernor.policy.batch.JobSpec;
import io.carbongovernor.policy.batch.RunProgress;

/** How a recurring job picks its batch size, and whether it stops runs early. */
interface Strategy {

  String name();

  int choose(AdvisorState state, JobSpec job, CarbonIntensity atStart);

  boolean stop(AdvisorState state, JobSpec job, RunProgress progress);

  /** The advisor: its advice, and its early stop. */
  static Strategy advisor(BatchSizeAdvisor advisor) {
    return new Strategy() {
      @Override
      public String name() {
        return "advisor";
      }

      @Override
      public int choose(AdvisorState state, JobSpec job, CarbonIntensity atStart) {
        return advisor.recommend(state, job, atStart).batchSize();
      }

      @Override
      public boolean stop(AdvisorState state, JobSpec job, RunProgress progress) {
        return advisor.shouldStop(state, job, progress).stop();
      }
    };
  }

  /** Always the same size, every run to its end. */
  static Strategy fixed(int batchSize) {
    return new Strategy() {
      @Override
      public String name() {
        return "fixed " + batchSize;
      }

      @Override
      public int choose(AdvisorState state, JobSpec job, CarbonIntensity atStart) {
        return batchSize;
      }

      @Override
      public boolean stop(AdvisorState state, JobSpec job, RunProgress progress) {
        return false;
      }
    };
  }
}
