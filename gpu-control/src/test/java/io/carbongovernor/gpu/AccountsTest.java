package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's whole account (home, shell, groups), from files and from the C library. */
class AccountsTest {

  @TempDir Path dir;

  @Test
  void fromFilesWithThePrimaryGroupFirstAndEveryGroupThatListsTheUser() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"),
        "# comment\nroot:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001:Alice:/home/alice:/bin/zsh\n"
            + "broken:x:1002:notanumber::/:/bin/sh\n");
    Path group = Files.writeString(dir.resolve("group"),
        "alice:x:1001:\nvision:x:2000:bob,alice\nnlp:x:2001:bob\nvideo:x:44:alice\n");
    AccountNames names = AccountNames.files(passwd, group);

    Account alice = names.account(1001).orElseThrow();
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.gid()).isEqualTo(1001);
    assertThat(alice.home()).isEqualTo("/home/alice");
    assertThat(alice.shell()).isEqualTo("/bin/zsh");
    assertThat(alice.groups()).containsExactly("alice", "vision", "video");
    assertThat(names.account(4242)).isEmpty();
    assertThat(names.account(1002)).isEmpty();
  }

  @Test
  void thisProcessesAccountFromTheSystem() throws Exception {
    long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    Account me = AccountNames.system().account(uid).orElseThrow();
    assertThat(me.uid()).isEqualTo(uid);
    assertThat(me.name()).isEqualTo(System.getProperty("user.name"));
    assertThat(me.home()).isNotEmpty();
    String primary = AccountNames.system().group(me.gid()).orElse(Long.toString(me.gid()));
    assertThat(me.groups()).first().isEqualTo(primary);
    assertThat(AccountNames.system().account(4_000_000_000L)).isEmpty();
  }
}
