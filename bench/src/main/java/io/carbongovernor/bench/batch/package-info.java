/**
 * Trace-driven evaluation of the batch-size advisor on the Zeus NSDI'23 traces: energy and
 * carbon to target over recurring runs, against the best fixed batch size and the default.
 * Started by {@code bench/batch-size-eval}; results in {@code bench/results/batch-size-advisor.md}.
 */
package io.carbongovernor.bench.batch;
