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
import java.util.Optional;

/**
 * One HTTP/1.1 request over a Unix socket, which the JDK's HTTP client cannot reach: the request
 * (with a JSON body, if any) and {@code Connection: close}, then everything the daemon sends until
 * it closes, within a deadline.
 */
final class UnixSocketRequest {

  /** The status and body of the answer. */
  record Answer(int status, String body) {}

  private static final int MAX_ANSWER = 16 * 1024 * 1024;

  private UnixSocketRequest() {}

  static Answer get(Path socket, String path, Duration timeout) throws IOException {
    return send(socket, "GET", path, Optional.empty(), timeout);
  }

  /**
   * @param method GET, POST, DELETE
   * @param json the body, sent as {@code application/json}; empty: none
   */
  static Answer send(Path socket, String method, String path, Optional<String> json, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      byte[] body = json.map(j -> j.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
      String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
          + (json.isPresent() ? "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n" : "")
          + "Connection: close\r\n\r\n";
      ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
      out.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
      while (out.hasRemaining()) {
        channel.write(out);
      }
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
