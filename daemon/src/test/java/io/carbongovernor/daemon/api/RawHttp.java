package io.carbongovernor.daemon.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 by hand, for what a well-behaved client never sends: any bytes out, one response in,
 * over TCP or a Unix socket, within a deadline.
 */
final class RawHttp {

  /** One response; {@code body} is empty when the server closed without answering. */
  record Response(int status, Map<String, String> headers, String body, String raw) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private RawHttp() {}

  static Response send(SocketAddress address, String request, Duration timeout) throws IOException {
    return send(address, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
  }

  /**
   * Sends the bytes and reads one response: until its Content-Length is in, or the server closes.
   *
   * @throws IOException when no complete response arrives before the deadline
   */
  static Response send(SocketAddress address, byte[] request, Duration timeout) throws IOException {
    ProtocolFamily family =
        address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(family); Selector selector = Selector.open()) {
      channel.connect(address);
      channel.write(ByteBuffer.wrap(request));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).startsWith("HEAD ");
      while (true) {
        Optional<Response> done = parse(in.toByteArray(), head);
        if (done.isPresent()) {
          return done.get();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("no complete response within " + timeout + "; got: " + in.toString(StandardCharsets.ISO_8859_1));
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        buffer.clear();
        int n;
        try {
          n = channel.read(buffer);
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          return parse(in.toByteArray(), head)
              .orElse(new Response(0, Map.of(), "", in.toString(StandardCharsets.ISO_8859_1)));
        }
        in.write(buffer.array(), 0, n);
      }
    }
  }

  private static Optional<Response> parse(byte[] bytes, boolean head) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return Optional.empty();
    }
    String[] lines = text.substring(0, end).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    int bodyStart = end + 4;
    if (bytes.length - bodyStart < length) {
      return Optional.empty();
    }
    String body = new String(bytes, bodyStart, length, StandardCharsets.UTF_8);
    return Optional.of(new Response(Integer.parseInt(statusLine[1]), headers, body, text));
  }
}
