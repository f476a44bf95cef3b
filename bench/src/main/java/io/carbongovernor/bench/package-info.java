/** JMH benchmarks of the daemon's hot paths; results and the commands that made them in results/. */
package io.carbongovernor.bench;
