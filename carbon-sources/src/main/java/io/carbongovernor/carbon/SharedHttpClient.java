package io.carbongovernor.carbon;

import io.carbongovernor.common.Pem;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
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

  /**
   * As {@link #with(Timeouts)}, trusting only {@code trusted} for TLS (a site's private CA or its
   * self-signed certificate); the JDK's default trust when the list is empty. Host names are
   * still verified.
   */
  static OkHttpClient with(Timeouts timeouts, List<X509Certificate> trusted) {
    OkHttpClient client = with(timeouts);
    if (trusted.isEmpty()) {
      return client;
    }
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(Pem.trustStore(trusted));
      X509TrustManager manager = null;
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509TrustManager x509) {
          manager = x509;
        }
      }
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {manager}, null);
      return client.newBuilder().sslSocketFactory(tls.getSocketFactory(), manager).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  /** The shared client, for tests that check the sources do not each build their own pool. */
  static OkHttpClient shared() {
    return SHARED;
  }
}
