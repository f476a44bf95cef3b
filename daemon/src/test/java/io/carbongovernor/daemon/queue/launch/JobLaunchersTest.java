package io.carbongovernor.daemon.queue.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.QueueConfig.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which launcher the config gets, and the marker directory's safety. */
class JobLaunchersTest {

  @TempDir Path base;

  @Test
  void autoMeansSystemdRunWhereSystemdRunsTheHost() throws IOException {
    Path runtime = Files.createDirectory(base.resolve("systemd-system"));
    Path markers = base.resolve("markers");
    assertThat(JobLaunchers.of(Launcher.AUTO, markers, Accounts.SYSTEM, runtime).kind()).isEqualTo("systemd-run");
    assertThat(JobLaunchers.of(Launcher.AUTO, markers, Accounts.SYSTEM, base.resolve("absent")).kind()).isEqualTo("setpriv");
    Path link = Files.createSymbolicLink(base.resolve("link"), runtime);
    assertThat(JobLaunchers.of(Launcher.AUTO, markers, Accounts.SYSTEM, link).kind()).isEqualTo("setpriv");
    assertThat(JobLaunchers.of(Launcher.SETPRIV, markers, Accounts.SYSTEM, runtime).kind()).isEqualTo("setpriv");
    assertThat(JobLaunchers.of(Launcher.SYSTEMD_RUN, markers, Accounts.SYSTEM, base.resolve("absent")).kind())
        .isEqualTo("systemd-run");
  }

  @Test
  void theMarkerDirectoryIsMade0700() throws IOException {
    Path markers = base.resolve("state/jobs");
    JobLaunchers.of(Launcher.SETPRIV, markers, Accounts.SYSTEM);
    assertThat(Files.getPosixFilePermissions(markers)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    JobLaunchers.of(Launcher.SETPRIV, markers, Accounts.SYSTEM); // and taken as it is the next time
  }

  @Test
  void anUnsafeMarkerDirectoryIsRefused() throws IOException {
    Path real = Files.createDirectory(base.resolve("real"));
    Path link = Files.createSymbolicLink(base.resolve("link"), real);
    assertThatThrownBy(() -> JobLaunchers.of(Launcher.SETPRIV, link, Accounts.SYSTEM))
        .isInstanceOf(IOException.class).hasMessageContaining("not a directory");
    Path file = Files.writeString(base.resolve("file"), "");
    assertThatThrownBy(() -> JobLaunchers.of(Launcher.SETPRIV, file, Accounts.SYSTEM))
        .isInstanceOf(IOException.class).hasMessageContaining("not a directory");

    Accounts.requireRoot();
    Path others = Files.createDirectory(base.resolve("others"));
    Accounts.giveToNobody(others);
    Files.setPosixFilePermissions(others, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> JobLaunchers.of(Launcher.SETPRIV, others, Accounts.SYSTEM))
        .isInstanceOf(IOException.class).hasMessageContaining("belongs to uid " + Accounts.nobody());
    Path open = Files.createDirectory(base.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> JobLaunchers.of(Launcher.SETPRIV, open, Accounts.SYSTEM))
        .isInstanceOf(IOException.class).hasMessageContaining("may be written by other users");
  }
}
