package io.carbongovernor.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.NotifySocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier against a real Unix datagram socket, as systemd binds one. */
class SystemdNotifierTest {

  @TempDir Path dir;

  @Test
  void sendsOneDatagramToAPathSocket() {
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify"))) {
      SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()));

      assertThat(notifier.enabled()).isTrue();
      assertThat(notifier.send("READY=1\nSTATUS=controlling 2 GPUs")).isTrue();
      assertThat(notifier.send("WATCHDOG=1")).isTrue();

      // sendto has returned, so the datagrams are queued: no waiting.
      assertThat(systemd.receive()).contains("READY=1\nSTATUS=controlling 2 GPUs");
      assertThat(systemd.receive()).contains("WATCHDOG=1");
    }
  }

  @Test
  void sendsToAnAbstractSocketNamedWithAnAt() {
    try (NotifySocket systemd = NotifySocket.bindAbstract("carbon-governor-test-" + UUID.randomUUID())) {
      assertThat(systemd.address()).startsWith("@");
      SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()));

      assertThat(notifier.send("STOPPING=1")).isTrue();

      assertThat(systemd.receive()).contains("STOPPING=1");
    }
  }

  @Test
  void keepsNonAsciiStatusTextWhole() {
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify"))) {
      SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()));

      notifier.send("STATUS=grid 231 g/kWh – Zürich");

      assertThat(systemd.receive()).contains("STATUS=grid 231 g/kWh – Zürich");
    }
  }

  @Test
  void withoutNotifySocketSendsNothing() {
    assertThat(SystemdNotifier.fromEnvironment(Map.of()).enabled()).isFalse();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).send("READY=1")).isFalse();
  }

  @Test
  void anUnusableAddressSendsNothing() {
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative/notify")).enabled()).isFalse();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(107))).enabled()).isFalse();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@")).enabled()).isFalse();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(106))).enabled()).isTrue();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + "x".repeat(107))).enabled()).isTrue();
    assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + "x".repeat(108))).enabled()).isFalse();
  }

  @Test
  void aManagerThatIsGoneIsReportedNotThrownAndTheNextSendRecovers() {
    Path socket = dir.resolve("notify");
    SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString()));

    assertThat(notifier.send("WATCHDOG=1")).isFalse(); // nothing bound there yet

    try (NotifySocket systemd = NotifySocket.bind(socket)) {
      assertThat(notifier.send("WATCHDOG=1")).isTrue();
      assertThat(systemd.receive()).contains("WATCHDOG=1");
    }
  }

  @Test
  void monotonicTimeComesFromTheKernelsMonotonicClock() {
    Libc libc = Libc.load();
    long first = libc.monotonicMicros();
    long second = libc.monotonicMicros();

    assertThat(first).isPositive();
    assertThat(second).isGreaterThanOrEqualTo(first);
    // HotSpot's nanoTime reads CLOCK_MONOTONIC on Linux: the two agree to within the calls' gap.
    long javaMicros = System.nanoTime() / 1000;
    assertThat(javaMicros).isGreaterThanOrEqualTo(second);
  }
}
