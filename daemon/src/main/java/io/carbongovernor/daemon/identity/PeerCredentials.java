package io.carbongovernor.daemon.identity;

import io.carbongovernor.gpu.AccountNames;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a Unix socket: the kernel's {@code SO_PEERCRED}, taken when the
 * peer connected. The JDK gives it as the account name ({@code getpwuid}) or, for a uid without
 * an account, the number; the account database maps a name back to its uid.
 */
public final class PeerCredentials {

  private static final Pattern NUMBER = Pattern.compile("\\d{1,10}");

  private final AccountNames accounts;

  public PeerCredentials(AccountNames accounts) {
    this.accounts = accounts;
  }

  public static PeerCredentials system() {
    return new PeerCredentials(AccountNames.system());
  }

  /**
   * The peer's uid.
   *
   * @throws IdentityException when the kernel's answer cannot be read or names no account
   */
  public long uid(SocketChannel channel) {
    UnixDomainPrincipal peer;
    try {
      peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IdentityException("cannot read the peer's credentials: " + e.getMessage(), e);
    }
    return uidOf(peer.user().getName());
  }

  /** An account's uid by name; a number is the uid of a peer that has no account. */
  long uidOf(String name) {
    OptionalLong uid = accounts.uid(name);
    if (uid.isPresent()) {
      return uid.getAsLong();
    }
    if (NUMBER.matcher(name).matches()) {
      return Long.parseLong(name);
    }
    throw new IdentityException("the peer's account '" + name + "' is not in the account database");
  }
}
