/**
 * Start-time planning: when a job that may finish any time before its deadline should start.
 * Pure: callers pass the time, the job, and the signals they read; nothing here reads a clock,
 * a file or the network. A queue calls {@link io.carbongovernor.policy.defer.StartPlanner#plan}
 * each interval with what its sources know then, and starts the job once the plan is due.
 */
package io.carbongovernor.policy.defer;
