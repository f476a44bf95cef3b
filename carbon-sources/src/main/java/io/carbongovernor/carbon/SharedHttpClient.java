package io.carbongovernor.carbon;

import okhttp3.OkHttpClient;

/**
 * The one OkHttp client of the process. Each source derives its own with its timeouts through
 * {@link OkHttpClient#newBuilder()}, which shares this client's connection pool and threads.
 */
final class SharedHttpClient {

  // OkHttp's own silent retry of failed connections is off: Retry alone decides, and counts.
  private static final OkHttpClient SHARED =
      new OkHttpClient.Builder().retryOnConnectionFailure(false).followRedirects(false).build();

  private SharedHttpClient() {}

  static OkHttpClient with(Timeouts timeouts) {
    return SHARED
        .newBuilder()
        .connectTimeout(timeouts.connect())
        .readTimeout(timeouts.read())
        .writeTimeout(timeouts.read())
        .callTimeout(timeouts.call())
        .build();
  }

  /** The shared client, for tests that check the sources do not each build their own pool. */
  static OkHttpClient shared() {
    return SHARED;
  }
}
