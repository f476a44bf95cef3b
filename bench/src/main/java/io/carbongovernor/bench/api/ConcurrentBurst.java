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
import java.util.List;

/**
 * Many requests at once from one selector thread: every connection opened first, then each
 * request sent as soon as its connection is up, each answer read to the server's close. A
 * request's latency runs from its last byte sent to the whole answer: it includes the wait in
 * the kernel's accept queue, not the time this one thread takes to open thousands of sockets.
 */
final class ConcurrentBurst {

  /** How the burst went. */
  record Result(
      int ok, int refused503, int otherStatus, int noAnswer, Latencies latencies, Latencies latencies503, long openingMs) {}

  private static final class Call {
    final SocketChannel channel;
    long sent;
    final ByteBuffer request;
    final ByteArrayOutputStream answer = new ByteArrayOutputStream();

    Call(SocketChannel channel, byte[] request) {
      this.channel = channel;
      this.request = ByteBuffer.wrap(request);
    }
  }

  private ConcurrentBurst() {}

  static Result run(List<SocketAddress> targets, int count, byte[] request, Duration limit) throws IOException {
    Latencies all = new Latencies(count);
    Latencies refused = new Latencies(count);
    int ok = 0;
    int busy = 0;
    int other = 0;
    int failed = 0;
    int open = 0;
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < count; i++) {
        SocketAddress target = targets.get(i % targets.size());
        SocketChannel c =
            SocketChannel.open(
                target instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        c.configureBlocking(false);
        Call call = new Call(c, request);
        try {
          boolean connected = c.connect(target);
          c.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, call);
          open++;
        } catch (IOException e) {
          failed++;
          c.close();
        }
      }
      long openingMs = (System.nanoTime() - start) / 1_000_000;
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (open > 0 && System.nanoTime() < deadline) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Call call = (Call) key.attachment();
          try {
            if (key.isConnectable()) {
              call.channel.finishConnect();
              key.interestOps(SelectionKey.OP_WRITE);
            } else if (key.isWritable()) {
              call.channel.write(call.request);
              if (!call.request.hasRemaining()) {
                call.sent = System.nanoTime();
                key.interestOps(SelectionKey.OP_READ);
              }
            } else if (key.isReadable()) {
              buffer.clear();
              int n = call.channel.read(buffer);
              if (n > 0) {
                call.answer.write(buffer.array(), 0, n);
                continue;
              }
              long took = System.nanoTime() - call.sent;
              int status = OneRequest.parse(call.answer.toString(StandardCharsets.UTF_8)).status();
              if (status == 200) {
                ok++;
                all.add(took);
              } else if (status == 503) {
                busy++;
                all.add(took);
                refused.add(took);
              } else if (status == 0) {
                failed++;
              } else {
                other++;
                all.add(took);
              }
              key.cancel();
              call.channel.close();
              open--;
            }
          } catch (IOException e) {
            failed++;
            key.cancel();
            call.channel.close();
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      return new Result(ok, busy, other, failed + open, all, refused, openingMs);
    }
  }
}
