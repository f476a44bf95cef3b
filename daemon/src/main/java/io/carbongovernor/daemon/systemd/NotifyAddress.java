package io.carbongovernor.daemon.systemd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where {@code $NOTIFY_SOCKET} points: a path, or with a leading {@code @} a name in Linux's
 * abstract namespace. Encoded as the {@code struct sockaddr_un} that {@code sendto} takes.
 */
record NotifyAddress(String text, byte[] sockaddr) {

  /** {@code sizeof(sun_path)} on Linux. */
  private static final int SUN_PATH = 108;

  /**
   * @return the address, or a reason it cannot be used
   */
  static Result parse(String text) {
    boolean isAbstract = text.startsWith("@");
    if (!isAbstract && !text.startsWith("/")) {
      return new Result(Optional.empty(), "neither an absolute path nor an abstract name ('@...')");
    }
    if (text.indexOf('\0') >= 0) {
      return new Result(Optional.empty(), "contains a NUL character");
    }
    byte[] name = text.getBytes(StandardCharsets.UTF_8);
    if (isAbstract) {
      name[0] = 0; // the abstract namespace: a leading NUL, no terminator
    }
    int pathLength = isAbstract ? name.length : name.length + 1;
    if (name.length < 2) {
      return new Result(Optional.empty(), "empty");
    }
    if (pathLength > SUN_PATH) {
      return new Result(Optional.empty(), "longer than the " + SUN_PATH + " bytes of sun_path");
    }
    ByteBuffer sockaddr = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
    sockaddr.putShort((short) Libc.AF_UNIX).put(name);
    return new Result(Optional.of(new NotifyAddress(text, sockaddr.array())), "");
  }

  /** The parsed address, or why there is none. */
  record Result(Optional<NotifyAddress> address, String problem) {}

  @Override
  public String toString() {
    return text;
  }
}
