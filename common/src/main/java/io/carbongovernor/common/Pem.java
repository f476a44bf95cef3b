package io.carbongovernor.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads TLS material from PEM files with the JDK alone: X.509 certificates and an unencrypted
 * PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey} writes it).
 * Files are read as {@link InputFiles} reads them, at most {@link #MAX_FILE}. Messages name the
 * file and what is wrong with it, never what a key file holds.
 */
public final class Pem {

  /** Certificates and keys are a few KiB; a bundle of a site's CAs stays far below this. */
  public static final ByteSize MAX_FILE = ByteSize.ofKibibytes(64);

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  /** A file that holds no usable PEM material, with the reason. */
  public static final class PemException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    PemException(Path file, String reason) {
      super(file + " " + reason);
      this.reason = reason;
    }

    /** What is wrong, without the file: {@code holds no PEM certificate}. */
    public String reason() {
      return reason;
    }
  }

  /**
   * The certificates of {@code file}, in order (a server's own first, then its chain).
   *
   * @throws PemException when it holds none, or one that does not parse
   */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    String text = InputFiles.readString(file, MAX_FILE);
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 support", e);
    }
    for (Block block : blocks(file, text)) {
      if (!block.type().equals("CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException e) {
        throw new PemException(file, "holds a certificate that does not parse");
      }
    }
    if (out.isEmpty()) {
      throw new PemException(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }

  /**
   * The one private key of {@code file}: RSA, EC, Ed25519 or Ed448, unencrypted PKCS#8.
   *
   * @throws PemException when it holds no such key (an encrypted or PKCS#1 key is named as such)
   */
  public static PrivateKey privateKey(Path file) throws IOException {
    String text = InputFiles.readString(file, MAX_FILE);
    List<Block> keys = new ArrayList<>();
    for (Block block : blocks(file, text)) {
      switch (block.type()) {
        case "PRIVATE KEY" -> keys.add(block);
        case "ENCRYPTED PRIVATE KEY" ->
            throw new PemException(file, "holds an encrypted key; the daemon needs it unencrypted (PKCS#8)");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new PemException(
                file, "holds a " + block.type().split(" ")[0] + " key in the old format; convert it to PKCS#8"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        default -> {
          // Certificates beside the key are allowed and ignored here.
        }
      }
    }
    if (keys.size() != 1) {
      throw new PemException(
          file, keys.isEmpty() ? "holds no PEM private key (-----BEGIN PRIVATE KEY-----)" : "holds more than one private key");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0).der());
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // Not this algorithm's key: try the next.
      }
    }
    throw new PemException(file, "holds a private key that is none of " + String.join(", ", KEY_ALGORITHMS));
  }

  /**
   * A key store holding {@code key} with its certificate {@code chain}, for a TLS server; the key
   * entry is protected by {@code password}, which exists in memory alone.
   *
   * @throws IllegalArgumentException when the key is not the one the first certificate names
   */
  public static KeyStore keyStore(PrivateKey key, List<X509Certificate> chain, char[] password) {
    requirePair(key, chain.get(0));
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an in-memory key store: " + e.getMessage(), e);
    }
  }

  /** A trust store of {@code certificates}, for a TLS client that trusts them alone. */
  public static KeyStore trustStore(List<X509Certificate> certificates) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an in-memory trust store: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code key} is the private half of the certificate's public key.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static void requirePair(PrivateKey key, X509Certificate certificate) {
    if (!matches(key, certificate)) {
      throw new IllegalArgumentException("the private key does not belong to the certificate "
          + certificate.getSubjectX500Principal().getName());
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file, String text) throws PemException {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII))));
      } catch (IllegalArgumentException e) {
        throw new PemException(file, "holds a " + m.group(1) + " block that is not valid base64");
      }
    }
    if (out.isEmpty()) {
      throw new PemException(file, "is not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }
}
