package io.carbongovernor.daemon.config;

import io.carbongovernor.common.Pem;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Reads the PEM files a configuration names (certificates, a private key) at load time, so that
 * a missing or broken one is a problem at the key that names it. Messages name the file and what
 * is wrong, never what a key holds.
 */
final class PemFiles {

  private PemFiles() {}

  /** @param what the file's part, for the message: {@code CA file} */
  static Optional<List<X509Certificate>> certificates(ConfigValue value, Path file, String what) {
    try {
      return Optional.of(Pem.certificates(file));
    } catch (IOException e) {
      value.problem(describe(what, file, e));
      return Optional.empty();
    }
  }

  static Optional<PrivateKey> privateKey(ConfigValue value, Path file, String what) {
    try {
      return Optional.of(Pem.privateKey(file));
    } catch (IOException e) {
      value.problem(describe(what, file, e));
      return Optional.empty();
    }
  }

  private static String describe(String what, Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return what + " " + file + " does not exist";
    }
    if (e instanceof UnsuitableFileException u) {
      return what + " " + file + " " + u.reason();
    }
    if (e instanceof Pem.PemException p) {
      return what + " " + file + " " + p.reason();
    }
    return "cannot read " + what + " " + file + " (" + e.getClass().getSimpleName() + ")";
  }
}
