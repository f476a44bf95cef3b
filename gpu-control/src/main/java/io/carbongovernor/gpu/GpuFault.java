package io.carbongovernor.gpu;

/**
 * What kind of failure a GPU operation met, in words every vendor shares. Each backend maps its
 * own return codes to these in its own package; the safety layer decides on these alone (a lost
 * GPU is resumed without being taken for an operator's change, a refused setter puts that GPU in
 * shadow mode) and never on a vendor's code.
 */
public enum GpuFault {
  /** The GPU or the library cannot do this (no energy counter, no settable limit, ...). */
  NOT_SUPPORTED,
  /** The process may not do this: setting limits needs root or CAP_SYS_ADMIN. */
  NO_PERMISSION,
  /** The GPU fell off the bus, needs a reset, or its driver went away; it may come back. */
  GPU_LOST,
  /** The GPU or the library is busy or timed out; trying again later may work. */
  BUSY,
  /** The library refused an argument, e.g. a limit outside the GPU's range. */
  INVALID_ARGUMENT,
  /** No such GPU (a UUID the library no longer knows). */
  NOT_FOUND,
  /** The vendor library cannot be loaded (not installed, or not where the loader looks). */
  LIBRARY_NOT_FOUND,
  /** The vendor library loaded but cannot be used: it lacks a required function, or was closed. */
  LIBRARY_UNUSABLE,
  /** Anything else. */
  UNKNOWN
}
