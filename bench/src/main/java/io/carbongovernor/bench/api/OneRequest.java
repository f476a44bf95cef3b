package io.carbongovernor.bench.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** One request on a fresh connection ({@code Connection: close}), read to the end in a deadline. */
final class OneRequest {

  /** The status (0: no answer) and the body. */
  record Answer(int status, String body) {}

  private OneRequest() {}

  static SocketChannel open(SocketAddress address) throws IOException {
    SocketChannel c =
        SocketChannel.open(
            address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    c.connect(address);
    return c;
  }

  static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  static Answer send(SocketAddress address, byte[] request, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel c = open(address); Selector selector = Selector.open()) {
      c.write(ByteBuffer.wrap(request));
      c.configureBlocking(false);
      c.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (System.nanoTime() < deadline) {
        selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        selector.selectedKeys().clear();
        buffer.clear();
        int n;
        try {
          n = c.read(buffer);
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          return parse(in.toString(StandardCharsets.UTF_8));
        }
        in.write(buffer.array(), 0, n);
      }
      return new Answer(0, "");
    }
  }

  static Answer parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(0, "");
    }
    return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(end + 4));
  }
}
