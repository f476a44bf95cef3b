package io.carbongovernor.daemon.queue.launch;

import io.carbongovernor.gpu.AccountNames;
import java.util.OptionalLong;

/**
 * The account a job runs as: its uid, the name its supplementary groups are looked up by, and its
 * primary gid, all from the user database.
 */
record Submitter(long uid, String name, long gid) {

  private static final long MAX_ID = 0xFFFF_FFFEL; // (uid_t) -1 means "no uid"

  static Submitter of(String jobId, long uid, AccountNames accounts) throws LaunchException {
    if (uid < 0 || uid > MAX_ID) {
      throw new LaunchException("job " + jobId + ": " + uid + " is not a uid");
    }
    String name = accounts.user(uid).orElseThrow(() -> new LaunchException(
        "job " + jobId + ": uid " + uid + " has no account in the user database; a job runs only as an existing user"));
    OptionalLong gid = accounts.primaryGid(uid);
    if (gid.isEmpty()) {
      throw new LaunchException("job " + jobId + ": the primary group of uid " + uid + " (" + name + ") is unknown");
    }
    return new Submitter(uid, name, gid.getAsLong());
  }
}
