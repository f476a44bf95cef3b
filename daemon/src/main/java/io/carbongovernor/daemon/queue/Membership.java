package io.carbongovernor.daemon.queue;

import io.carbongovernor.daemon.config.QueueConfig;
import io.carbongovernor.daemon.identity.UnixUser;

/** Whether a user is among the users and groups a rule lists. */
final class Membership {
  private Membership() {}

  static boolean of(QueueConfig.Members members, UnixUser user) {
    return members.users().contains(user.name()) || members.groups().stream().anyMatch(user.groups()::contains);
  }
}
