package io.carbongovernor.daemon.report;

/** The method statement every report carries, so its numbers can be defended. */
final class Method {

  private Method() {}

  static final String TEXT =
      "Energy is measured per GPU from NVML's energy counter (power integrated where a GPU has"
          + " none), every sample period, and split equally among the teams and jobs with work on"
          + " the GPU. Emissions = energy x the grid intensity of the slot the daemon decided on."
          + " Baseline = the energy the same work would have taken at the GPU's original power"
          + " limit, from the workload's throughput and power profile (measured for the job >"
          + " configured > built-in default; 'none' claims no saving). Avoided = baseline -"
          + " emissions. Extra time = the time beyond what the same work takes at full speed."
          + " Energy drawn while no intensity was known is counted in kWh but not in emissions.";
}
