package io.carbongovernor.daemon.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/** The Python client of this checkout: the script and the package it runs. */
final class PythonClient {

  static final Path HOME = Path.of("..", "clients", "python").toAbsolutePath().normalize();
  static final Path SCRIPT = HOME.resolve("carbon_governor_client.py");

  private PythonClient() {}

  /**
   * A copy of the script and its package in {@code dir}, readable by every user (the checkout
   * may not be, for a test that runs the client as another uid); the copied script.
   */
  static Path copyTo(Path dir) throws IOException {
    Path script = Files.copy(SCRIPT, dir.resolve("client.py"));
    Path pkg = Files.createDirectories(dir.resolve("carbon_governor"));
    try (Stream<Path> files = Files.list(HOME.resolve("carbon_governor"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".py")).toList()) {
        Files.copy(f, pkg.resolve(f.getFileName()));
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(pkg, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
