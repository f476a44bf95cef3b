package io.carbongovernor.daemon.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body up to a size without holding a thread while its bytes trickle in: it
 * takes what has arrived and asks to be called again when more does.
 */
final class BodyReader implements Runnable {

  /** Where the body, or why there is none, goes; called once. */
  interface Done {
    void read(byte[] body);

    void tooLarge();

    void failed(Throwable failure);
  }

  private final Request request;
  private final int max;
  private final Done done;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  private BodyReader(Request request, int max, Done done) {
    this.request = request;
    this.max = max;
    this.done = done;
  }

  static void read(Request request, int max, Done done) {
    new BodyReader(request, max, done).run();
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        done.failed(chunk.getFailure());
        return;
      }
      ByteBuffer bytes = chunk.getByteBuffer();
      boolean last = chunk.isLast();
      if (body.size() + bytes.remaining() > max) {
        chunk.release();
        done.tooLarge();
        return;
      }
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      body.writeBytes(copy);
      chunk.release();
      if (last) {
        done.read(body.toByteArray());
        return;
      }
    }
  }
}
