package io.carbongovernor.daemon.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * The site API's token, kept as its SHA-256 digest: a caller's token is hashed and compared with
 * {@link MessageDigest#isEqual}, whose time depends on neither value, and the digests' equal
 * length hides the token's.
 */
final class BearerToken {

  private static final String SCHEME = "bearer ";

  private final byte[] digest;

  BearerToken(String token) {
    this.digest = sha256(token);
  }

  /** What the {@code Authorization} headers of a request come to. */
  enum Verdict {
    ACCEPTED,
    MISSING,
    WRONG
  }

  Verdict check(List<String> authorization) {
    if (authorization.isEmpty()) {
      return Verdict.MISSING;
    }
    String header = authorization.get(0);
    if (authorization.size() > 1 || !header.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      return Verdict.WRONG;
    }
    String given = header.substring(SCHEME.length()).strip();
    return MessageDigest.isEqual(digest, sha256(given)) ? Verdict.ACCEPTED : Verdict.WRONG;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
