package io.carbongovernor.daemon.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One HTTP/1.1 GET over a Unix socket, which the JDK's HTTP client cannot reach: the request with
 * {@code Connection: close}, then everything the daemon sends until it closes, within a deadline.
 */
final class UnixSocketGet {

  /** The status and body of the answer. */
  record Answer(int status, String body) {}

  private static final int MAX_ANSWER = 16 * 1024 * 1024;

  private UnixSocketGet() {}

  static Answer get(Path socket, String path, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("no answer within " + timeout.toSeconds() + " s");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
          return parse(in.toString(StandardCharsets.UTF_8));
        }
        in.write(buffer.array(), 0, n);
        if (in.size() > MAX_ANSWER) {
          throw new IOException("answer over " + MAX_ANSWER + " bytes");
        }
      }
    }
  }

  private static Answer parse(String text) throws IOException {
    int end = text.indexOf("\r\n\r\n");
    String[] status = text.substring(0, Math.max(0, text.indexOf("\r\n"))).split(" ", 3);
    if (end < 0 || status.length < 2 || !status[1].matches("\\d{3}")) {
      throw new IOException("not an HTTP answer: " + text.substring(0, Math.min(80, text.length())));
    }
    return new Answer(Integer.parseInt(status[1]), text.substring(end + 4));
  }
}
