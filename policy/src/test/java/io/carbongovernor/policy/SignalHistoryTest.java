package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalHistoryTest {

  private final List<CarbonSignal> hours = TestWorld.hours(TestWorld.T0, 10, 20, 30, 40, 50);

  @Test
  void aSublistIsAViewOfTheSameSignalsAndEqualsAnyListOfThem() {
    SignalHistory all = SignalHistory.of(hours);
    SignalHistory middle = all.subList(1, 4).subList(1, 3);
    assertThat(middle).containsExactly(hours.get(2), hours.get(3));
    assertThat(middle).isEqualTo(List.of(hours.get(2), hours.get(3))).hasSameHashCodeAs(List.of(hours.get(2), hours.get(3)));
    assertThat(middle.offset()).isEqualTo(2);
    assertThat(middle.sharesSignalsWith(all)).isTrue();
    assertThat(middle.sharesSignalsWith(SignalHistory.of(hours))).as("another copy").isFalse();
    assertThatThrownBy(() -> middle.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> middle.subList(1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void itIsCopiedOnceAndCannotBeChanged() {
    List<CarbonSignal> source = new ArrayList<>(hours);
    SignalHistory all = SignalHistory.of(source);
    source.set(0, hours.get(4));
    assertThat(all.get(0)).isSameAs(hours.get(0));
    assertThatThrownBy(() -> all.set(0, hours.get(1))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> all.add(hours.get(1))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> SignalHistory.of(Arrays.asList(hours.get(0), null))).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPolicyInputKeepsItWhereItCopiesAnyOtherList() {
    SignalHistory all = SignalHistory.of(hours);
    PolicyInput input = new PolicyInput(TestWorld.T0, Optional.empty(), List.of(), List.of(TestWorld.STATE)).withHistory(all);
    assertThat(input.history()).isSameAs(all);
    List<CarbonSignal> plain = new ArrayList<>(hours);
    PolicyInput copied = input.withHistory(plain);
    plain.clear();
    assertThat(copied.history()).isEqualTo(hours);
  }
}
