package io.carbongovernor.common;

/** An amount of data in bytes, such as the most a file may hold. */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative, got " + bytes + " bytes");
    }
  }

  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  public static ByteSize ofKibibytes(long kibibytes) {
    return new ByteSize(Math.multiplyExact(kibibytes, KIB));
  }

  public static ByteSize ofMebibytes(long mebibytes) {
    return new ByteSize(Math.multiplyExact(mebibytes, MIB));
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  /** {@code 1 MiB}, {@code 64 KiB}, or {@code 1000 bytes} where the size is no whole unit. */
  @Override
  public String toString() {
    if (bytes >= MIB && bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= KIB && bytes % KIB == 0) {
      return bytes / KIB + " KiB";
    }
    return bytes + (bytes == 1 ? " byte" : " bytes");
  }
}
