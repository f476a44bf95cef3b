package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config on the queue's keys: every problem of governor.yaml and the team files at once, exit 78. */
class CheckConfigQueueTest {

  @TempDir Path dir;

  @Test
  void queueProblemsInBothFilesAreReportedTogetherWithExit78() throws IOException {
    Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(dir.resolve("trace.csv"), "time,value\n2026-03-01T00:00:00Z,300\n");
    Path governor = Files.writeString(dir.resolve("governor.yaml"), """
        zone: DE
        teams-dir: teams.d
        carbon:
          sources:
            - {type: trace, file: trace.csv}
        queue:
          launcher: systemd
          max-deferral: 12h
        """);
    Path team = Files.writeString(dir.resolve("teams.d/vision.yaml"), """
        members: {users: [alice]}
        policy: {kind: full-speed}
        max-deferral: 1d
        submitters: {users: [bob]}
        """);

    CommandRun run = CommandRun.of("check-config", "--config", governor.toString());

    assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(run.err()).contains(
        governor + ":7:13: queue.launcher: expected auto, systemd-run or setpriv, got 'systemd'\n",
        team + ":3:15: max-deferral: must not be above the node's queue.max-deferral, 12h (" + governor
            + ":8:17), got 1d (" + team + ")",
        team + ":4:22: submitters.users[0]: user 'bob' may submit but is not a member of the team;"
            + " add it to members.users",
        governor + ": 3 problem(s); configuration not valid");
  }
}
