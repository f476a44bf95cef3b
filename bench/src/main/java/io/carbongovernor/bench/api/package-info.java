/**
 * The local API under abuse: the packaged daemon on simulated GPUs, attacked from loopback and
 * its Unix socket by bounded loops ({@code bench/api}).
 */
package io.carbongovernor.bench.api;
