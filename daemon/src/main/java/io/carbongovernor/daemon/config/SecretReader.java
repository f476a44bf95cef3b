package io.carbongovernor.daemon.config;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a secret given as exactly one of {@code <prefix>-file}, {@code <prefix>-env} or {@code
 * <prefix>-credential}. Messages name files and variables, never what they hold.
 */
final class SecretReader {

  private static final String CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY";

  /** The largest secret file read; tokens and passwords are far smaller. */
  static final ByteSize MAX_FILE = ByteSize.ofKibibytes(64);

  private SecretReader() {}

  static List<String> keys(String prefix) {
    return List.of(prefix + "-file", prefix + "-env", prefix + "-credential");
  }

  /**
   * @param prefix {@code token} or {@code password}
   * @param owner who needs it, for the message: {@code electricitymaps}
   * @return the secret; empty after a problem, or when {@link FileChecks#SKIP} leaves it unread
   */
  static Optional<Secret> read(ConfigMap map, String prefix, String owner, LoadContext context) {
    List<String> keys = keys(prefix);
    List<String> given = map.keys().stream().filter(keys::contains).collect(Collectors.toList());
    if (given.isEmpty()) {
      map.value().problem(owner + " needs one of " + Suggestions.oneOf(keys));
      return Optional.empty();
    }
    if (given.size() > 1) {
      ConfigValue second = map.get(given.get(1)).orElseThrow();
      second.problemAt(second.keyLocation(), "give only one of " + Suggestions.oneOf(keys));
      return Optional.empty();
    }
    String key = given.get(0);
    ConfigValue value = map.get(key).orElseThrow();
    if (key.endsWith("-file")) {
      Optional<Path> file = value.asPath();
      return context.readsSecretsOf(owner) ? file.flatMap(f -> fromFile(f, value)) : Optional.empty();
    }
    Optional<String> name = value.asString();
    if (name.isEmpty() || !context.readsSecretsOf(owner)) {
      return Optional.empty();
    }
    return key.endsWith("-env")
        ? fromEnvironment(name.get(), value, context)
        : fromCredential(name.get(), value, context);
  }

  /** As {@link #read}, for a secret that may be left out: empty when none of its keys is given. */
  static Optional<Secret> readIfGiven(ConfigMap map, String prefix, String owner, LoadContext context) {
    return keys(prefix).stream().anyMatch(map::has) ? read(map, prefix, owner, context) : Optional.empty();
  }

  private static Optional<Secret> fromEnvironment(
      String name, ConfigValue value, LoadContext context) {
    String secret = context.env().get(name);
    if (secret == null || secret.isEmpty()) {
      value.problem(
          "environment variable " + name + (secret == null ? " is not set" : " is empty"));
      return Optional.empty();
    }
    return Optional.of(Secret.of(secret));
  }

  /** systemd's LoadCredential= puts credentials in $CREDENTIALS_DIRECTORY, one file each. */
  private static Optional<Secret> fromCredential(
      String name, ConfigValue value, LoadContext context) {
    if (name.contains("/") || name.equals(".") || name.equals("..")) {
      value.problem("a credential name is a plain file name, got '" + name + "'");
      return Optional.empty();
    }
    String directory = context.env().get(CREDENTIALS_DIRECTORY);
    if (directory == null || directory.isEmpty()) {
      value.problem(
          CREDENTIALS_DIRECTORY
              + " is not set, so credential '"
              + name
              + "' cannot be read (systemd sets it for LoadCredential=)");
      return Optional.empty();
    }
    return fromFile(Path.of(directory, name), value);
  }

  private static Optional<Secret> fromFile(Path file, ConfigValue value) {
    String text;
    try {
      text = InputFiles.readString(file, MAX_FILE);
    } catch (NoSuchFileException e) {
      value.problem("secret file " + file + " does not exist");
      return Optional.empty();
    } catch (UnsuitableFileException e) {
      value.problem("secret file " + file + " " + e.reason());
      return Optional.empty();
    } catch (IOException e) {
      value.problem("cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
    // Files written by `echo` end in one newline that is not part of the secret.
    if (text.endsWith("\r\n")) {
      text = text.substring(0, text.length() - 2);
    } else if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      value.problem("secret file " + file + " is empty");
      return Optional.empty();
    }
    return Optional.of(Secret.of(text));
  }
}
