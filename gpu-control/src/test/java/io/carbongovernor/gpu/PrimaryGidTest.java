package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's primary gid, which a job started as that user runs with. */
class PrimaryGidTest {

  @TempDir Path dir;

  @Test
  void fromAPasswdFile() throws IOException {
    Path passwd = Files.writeString(dir.resolve("passwd"),
        "root:x:0:0:root:/root:/bin/bash\n# a comment\nalice:x:1001:2000::/home/alice:/bin/bash\n"
            + "broken:x:1002:notanumber::/:/bin/sh\nshort:x:1003\n");
    AccountNames names = AccountNames.files(passwd, passwd);
    assertThat(names.primaryGid(1001)).hasValue(2000);
    assertThat(names.primaryGid(0)).hasValue(0);
    assertThat(names.primaryGid(1002)).isEmpty();
    assertThat(names.primaryGid(1003)).isEmpty();
    assertThat(names.primaryGid(4242)).isEmpty();
  }

  @Test
  void fromTheCLibraryAsIdSaysIt() throws Exception {
    AccountNames names = AccountNames.system();
    long nobody = Long.parseLong(id("-u", "nobody"));
    assertThat(names.primaryGid(nobody)).hasValue(Long.parseLong(id("-g", "nobody")));
    assertThat(names.primaryGid(0)).hasValue(0);
    assertThat(names.primaryGid(4_000_000_000L)).isEmpty();
  }

  private static String id(String option, String user) throws Exception {
    Process p = new ProcessBuilder("id", option, user).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
