/**
 * The batch-size advisor: for a recurring job it recommends a batch size from its team's allowed
 * sizes and learns from finished runs, after Zeus's pruning + Gaussian Thompson sampling
 * optimizer (NSDI'23), with a carbon-weighted cost. Pure: the learned state is an immutable
 * value passed in and returned; no I/O, no clock.
 */
package io.carbongovernor.policy.batch;
