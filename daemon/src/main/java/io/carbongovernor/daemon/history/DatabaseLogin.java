package io.carbongovernor.daemon.history;

import io.carbongovernor.daemon.config.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a history database is opened as, for backends with logins (PostgreSQL). The password is a
 * {@link Secret}: it never prints. Empty parts are left to the driver (a user in the URL, a
 * {@code ~/.pgpass} entry).
 */
public record DatabaseLogin(Optional<String> user, Optional<Secret> password) {

  public static final DatabaseLogin NONE = new DatabaseLogin(Optional.empty(), Optional.empty());

  public DatabaseLogin {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }
}
