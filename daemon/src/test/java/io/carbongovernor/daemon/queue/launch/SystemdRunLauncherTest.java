package io.carbongovernor.daemon.queue.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd-run launcher against a fake {@code systemd-run} and {@code systemctl} (no service
 * manager runs here): the fake records its argv, undoes the manager's "$$" escape and refuses a
 * lone "$" (which the manager would expand), then starts the command as --uid/--gid with the user's
 * groups (setpriv), its output to a "journal" file, and tells the MainPID through the fake systemctl.
 */
class SystemdRunLauncherTest {

  private static final String ID = "q-00000000000000c3";
  private static final String UNIT = "carbon-governor-job-" + ID + ".service";

  private static final String FAKE_SYSTEMD_RUN = """
      #!/bin/sh
      here=$(dirname "$0")
      printf '%s\\0' "$@" > "$here/argv"
      unit= uid= gid=
      while [ "$1" != -- ]; do
        case "$1" in
          --unit=*) unit=${1#--unit=} ;;
          --uid=*) uid=${1#--uid=} ;;
          --gid=*) gid=${1#--gid=} ;;
        esac
        shift
      done
      shift
      [ -n "$FAIL" ] && { echo "Failed to start transient service unit: $FAIL" >&2; exit 1; }
      n=$#
      while [ "$n" -gt 0 ]; do
        a=$1; shift; n=$((n - 1))
        case "$(printf '%s' "$a" | sed 's/[$][$]//g')" in
          *'$'*) echo "unescaped \\$ in: $a" >&2; exit 1 ;;
        esac
        set -- "$@" "$(printf '%s' "$a" | sed 's/[$][$]/$/g')"
      done
      /usr/bin/setpriv --reuid="$uid" --regid="$gid" --init-groups -- "$@" > "$here/journal" 2>&1 < /dev/null &
      echo $! > "$here/$unit.pid"
      """;

  private static final String FAKE_SYSTEMCTL = """
      #!/bin/sh
      here=$(dirname "$0")
      printf '%s\\0' "$@" > "$here/systemctl-argv"
      for last; do :; done
      cat "$here/$last.pid"
      """;

  @TempDir Path base;
  private Path tools;
  private Path markers;
  private Path workdir;
  private JobLauncher launcher;

  @BeforeEach
  void setUp() throws IOException {
    Accounts.requireRoot();
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    tools = Files.createDirectory(base.resolve("tools"));
    write(tools.resolve("systemd-run"), FAKE_SYSTEMD_RUN);
    write(tools.resolve("systemctl"), FAKE_SYSTEMCTL);
    markers = base.resolve("markers");
    workdir = Files.createDirectory(base.resolve("work"));
    Accounts.giveToNobody(workdir);
    launcher = JobLaunchers.systemdRun(tools.resolve("systemd-run"), tools.resolve("systemctl"), markers, Accounts.SYSTEM);
  }

  private static void write(Path script, String text) throws IOException {
    Files.writeString(script, text);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  private List<String> recorded(String file) throws IOException {
    return List.of(Files.readString(tools.resolve(file), StandardCharsets.UTF_8).split("\0"));
  }

  private LaunchSpec spec(Optional<Path> log, String... command) throws IOException {
    return new LaunchSpec(ID, "train\nresnet", Accounts.nobody(), List.of(command), workdir, log,
        Map.of("PATH", "/usr/bin:/bin", "CUDA_VISIBLE_DEVICES", "0", "PRICE", "$5"));
  }

  private static void awaitEnd(Launched launched) throws Exception {
    Optional<ProcessHandle> job = ProcessHandle.of(launched.pid().orElseThrow());
    if (job.isPresent()) {
      job.get().onExit().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void startsATransientUnitAsTheSubmitterWithItsDollarsEscaped() throws Exception {
    Path log = workdir.resolve("job.log");
    Launched launched = launcher.launch(spec(Optional.of(log),
        "/bin/sh", "-c", "id -u; id -G; echo \"$PRICE\"; printf '%s\\n' \"$@\"; echo $$", "sh", "$HOME", "$$"));
    assertThat(launched.unit()).hasValue(UNIT);
    assertThat(launched.exit()).isEmpty();
    awaitEnd(launched);

    List<String> expected = new ArrayList<>(List.of(
        "--unit=" + UNIT,
        "--uid=" + Accounts.nobody(),
        "--gid=" + Accounts.nobodysGid(),
        "--collect",
        "--quiet",
        "--description=carbon-governor job " + ID + ": train?resnet",
        "--",
        "/bin/sh", "-c"));
    List<String> argv = recorded("argv");
    assertThat(argv.subList(0, expected.size())).isEqualTo(expected);
    assertThat(argv.get(expected.size())).as("the user shell, escaped").contains("\"$$1\"").doesNotContain("\"$1\"");
    int keep = expected.size() + 12;
    assertThat(argv.subList(expected.size() + 1, keep)).containsExactly(
        UserShell.NAME, workdir.toString(), log.toString(),
        "/usr/bin/env", "-i", "--", "CUDA_VISIBLE_DEVICES=0", "PATH=/usr/bin:/bin", "PRICE=$$5", "/bin/sh", "-c");
    assertThat(argv.get(keep)).contains("\"$$@\"").doesNotContain("\"$@\"");
    assertThat(argv.subList(keep + 1, argv.size())).containsExactly(UserShell.NAME, "", "",
        "/bin/sh", "-c", "id -u; id -G; echo \"$$PRICE\"; printf '%s\\n' \"$$@\"; echo $$$$", "sh", "$$HOME", "$$$$");
    assertThat(recorded("systemctl-argv")).containsExactly("show", "--property=MainPID", "--value", UNIT);

    assertThat(Files.readAllLines(log)).containsExactly(
        Long.toString(Accounts.nobody()), String.join(" ", Accounts.nobodysGroups()), "$5", "$HOME", "$$",
        Long.toString(launched.pid().orElseThrow()));
    assertThat(Files.getAttribute(log, "unix:uid")).isEqualTo((int) Accounts.nobody());
    assertThat(launcher.wasLaunched(ID)).isTrue();
    assertThat(launcher.kind()).isEqualTo("systemd-run");
  }

  @Test
  void withoutALogTheOutputGoesToTheJournal() throws Exception {
    Launched launched = launcher.launch(spec(Optional.empty(), "/bin/sh", "-c", "echo to the journal"));
    awaitEnd(launched);
    assertThat(recorded("argv")).contains("");
    assertThat(Files.readString(tools.resolve("journal"))).isEqualTo("to the journal\n");
    try (var listing = Files.list(workdir)) {
      assertThat(listing).isEmpty();
    }
  }

  @Test
  void aSecondLaunchDoesNotCallSystemdRun() throws Exception {
    awaitEnd(launcher.launch(spec(Optional.empty(), "/usr/bin/true")));
    Files.delete(tools.resolve("argv"));
    assertThatThrownBy(() -> launcher.launch(spec(Optional.empty(), "/usr/bin/true")))
        .isInstanceOf(LaunchException.class).hasMessageContaining("already launched");
    assertThat(tools.resolve("argv")).doesNotExist();
  }

  @Test
  void aFailingSystemdRunIsALaunchExceptionWithItsWords() throws Exception {
    write(tools.resolve("systemd-run"), FAKE_SYSTEMD_RUN.replace("[ -n \"$FAIL\" ]", "FAIL='Unit exists'; [ -n \"$FAIL\" ]"));
    assertThatThrownBy(() -> launcher.launch(spec(Optional.empty(), "/usr/bin/true")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("did not start")
        .hasMessageContaining("Failed to start transient service unit: Unit exists");
  }

  @Test
  void aUidWithoutAnAccountIsRefused() {
    assertThatThrownBy(() -> launcher.launch(new LaunchSpec(ID, "x", 3_999_999_999L, List.of("true"), workdir,
            Optional.empty(), Map.of())))
        .isInstanceOf(LaunchException.class).hasMessageContaining("no account");
    assertThat(tools.resolve("argv")).doesNotExist();
  }
}
