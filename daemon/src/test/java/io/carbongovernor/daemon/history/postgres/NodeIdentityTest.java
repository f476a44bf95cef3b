package io.carbongovernor.daemon.history.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.HistoryException;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's id: configured, or the machine's; a machine without a usable one is told what to set. */
class NodeIdentityTest {

  @TempDir Path dir;

  @Test
  void theMachineIdTrimmedIsTheDefault() throws Exception {
    Path file = Files.writeString(dir.resolve("machine-id"), "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
    assertThat(NodeIdentity.nodeId(Optional.empty(), file)).isEqualTo("3d1219c7c4c5404aaa1f6d2a48adfda4");
  }

  @Test
  void aConfiguredIdWinsWithoutReadingTheMachines() {
    assertThat(NodeIdentity.nodeId(Optional.of("gpu-17"), dir.resolve("absent"))).isEqualTo("gpu-17");
  }

  @Test
  void aMissingEmptyOrInvalidMachineIdTellsTheAdminToSetTheNodeId() throws Exception {
    Path missing = dir.resolve("absent");
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    Path invalid = Files.writeString(dir.resolve("invalid"), "uninitialized machine id\n");
    Path huge = Files.writeString(dir.resolve("huge"), "a".repeat(4096));
    for (Path file : new Path[] {missing, empty, invalid, huge}) {
      assertThatThrownBy(() -> NodeIdentity.nodeId(Optional.empty(), file))
          .as(file.toString())
          .isInstanceOf(HistoryException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("set history.node-id");
    }
  }

  @Test
  void aFleetHistoryWithoutAnIdIsRefusedAtOpenBeforeAnySpoolIsMade() {
    HistoryConfig config = new HistoryConfig("jdbc:postgresql://127.0.0.1:1/fleet", Retention.DEFAULT,
        io.carbongovernor.daemon.history.DatabaseLogin.NONE, Optional.of("node-1"), 1000);
    HistoryStore store = HistoryStore.open(config, dir, Clock.systemUTC());
    try {
      assertThat(store).isInstanceOf(FleetHistoryStore.class);
      assertThat(Files.exists(dir.resolve("spool.db"))).isTrue();
    } finally {
      store.close();
    }
    Path other = dir.resolve("other");
    assertThatThrownBy(() -> FleetHistoryStore.open(
            new HistoryConfig(config.url(), Retention.DEFAULT, config.login(), Optional.empty(), 1000), other,
            Clock.systemUTC(), dir.resolve("absent"), "host", Optional.empty(), t -> {}))
        .isInstanceOf(HistoryException.class);
    assertThat(Files.exists(other.resolve("spool.db"))).isFalse();
  }
}
