package io.carbongovernor.daemon.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Accounting against hand computation on a two-point profile. */
class AccountingTest {

  // 300 W: 100 s per epoch at 280 W average; 200 W: 125 s per epoch at 190 W average.
  private static final PowerProfile PROFILE =
      PowerProfile.of(
          "test",
          List.of(
              new PowerProfile.Point(Power.ofWatts(200), Duration.ofSeconds(125), Power.ofWatts(190)),
              new PowerProfile.Point(Power.ofWatts(300), Duration.ofSeconds(100), Power.ofWatts(280))));
  private static final Optional<Accounting.Model> MODEL = Optional.of(new Accounting.Model(PROFILE, "default"));

  @Test
  void throttledWorkIsComparedWithTheSameWorkAtTheOriginalLimit() {
    // 10 s at 200 W using 1900 J. Throughput ratio q = (100/125) / 1 = 0.8.
    // Same work at 300 W: 8 s -> extra 2 s. Baseline = 1900 J * (280/190) * 0.8 = 2240 J.
    Accounting.Result r =
        Accounting.account(Energy.ofJoules(1900), Duration.ofSeconds(10), Power.ofWatts(200), Power.ofWatts(300), MODEL);
    assertThat(r.baseline().joules()).isCloseTo(2240.0, within(0.01));
    assertThat(r.extra()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.throttled()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.profileSource()).isEqualTo("default");
  }

  @Test
  void atTheOriginalLimitNothingIsSavedOrLost() {
    Accounting.Result r =
        Accounting.account(Energy.ofJoules(2800), Duration.ofSeconds(10), Power.ofWatts(300), Power.ofWatts(300), MODEL);
    assertThat(r.baseline()).isEqualTo(Energy.ofJoules(2800));
    assertThat(r.extra()).isZero();
    assertThat(r.throttled()).isZero();
  }

  @Test
  void withoutAProfileNothingIsClaimed() {
    Accounting.Result r =
        Accounting.account(Energy.ofJoules(1900), Duration.ofSeconds(10), Power.ofWatts(200), Power.ofWatts(300), Optional.empty());
    assertThat(r.baseline()).isEqualTo(Energy.ofJoules(1900));
    assertThat(r.extra()).isZero();
    assertThat(r.throttled()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.profileSource()).isEqualTo("none");
  }
}
