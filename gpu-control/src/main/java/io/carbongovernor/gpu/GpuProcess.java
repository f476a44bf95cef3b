package io.carbongovernor.gpu;

/** A compute process running on a GPU, with the GPU memory it holds in bytes. */
public record GpuProcess(long pid, long usedMemoryBytes) {}
