package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuProcess;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * NVML's process-list protocol: ask for the count, allocate, fetch, and again while the list grew
 * in between. Entries are read with an explicit stride because {@code _v3} wrote 32-byte entries
 * on drivers 535.43 to 535.86 and 24-byte ones elsewhere: the buffer is pre-filled with a sentinel
 * and the stride follows from how far the driver wrote.
 */
final class NvmlProcessQuery {

  /** One call of the process function. */
  interface Call {
    int call(IntByReference count, Pointer infos);
  }

  /** Turns a failed return code into the exception to throw. */
  interface Failure {
    GpuException of(int rc);
  }

  static final int MAX_ENTRY_BYTES = 32;
  private static final byte SENTINEL = (byte) 0xAA;
  private static final int MAX_ATTEMPTS = 8;

  private NvmlProcessQuery() {}

  static List<GpuProcess> run(jnr.ffi.Runtime runtime, String function, Call call, Failure failure) {
    IntByReference count = new IntByReference(0);
    int rc = call.call(count, null);
    if (rc == NvmlReturn.SUCCESS.value()) {
      return List.of();
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (rc != NvmlReturn.INSUFFICIENT_SIZE.value()) {
        throw failure.of(rc);
      }
      int capacity = Math.max(1, count.intValue()) * 2 + 5;
      int bytes = capacity * MAX_ENTRY_BYTES;
      Pointer buffer = Memory.allocateDirect(runtime, bytes, true);
      buffer.setMemory(0, bytes, SENTINEL);
      count = new IntByReference(capacity);
      rc = call.call(count, buffer);
      if (rc == NvmlReturn.SUCCESS.value()) {
        int n = count.intValue();
        return parse(buffer, n, stride(function, buffer, n, bytes));
      }
    }
    throw failure.of(rc);
  }

  /** Bytes per entry: fixed by the function, except {@code _v3}, whose stride is measured. */
  static int stride(String function, Pointer buffer, int count, int bytes) {
    if (function.endsWith("_v2")) {
      return 24;
    }
    if (!function.endsWith("_v3")) {
      return 16;
    }
    if (count == 0) {
      return 24;
    }
    int written = bytes;
    while (written > 0 && buffer.getByte(written - 1) == SENTINEL) {
      written--;
    }
    return written > 24L * count ? 32 : 24;
  }

  private static List<GpuProcess> parse(Pointer buffer, int count, int stride) {
    List<GpuProcess> processes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long at = (long) i * stride;
      long pid = Integer.toUnsignedLong(buffer.getInt(at));
      long memory = buffer.getLongLong(at + 8);
      processes.add(new GpuProcess(pid, Math.max(0, memory)));
    }
    return List.copyOf(processes);
  }
}
