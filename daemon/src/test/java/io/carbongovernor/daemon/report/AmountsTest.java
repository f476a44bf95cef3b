package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Figures for people: three significant digits in the unit that suits their size. */
class AmountsTest {

  @Test
  void massesInGramsKilogramsOrTonnes() {
    assertThat(Amounts.mass(0)).isEqualTo("0 g");
    assertThat(Amounts.mass(0.0042)).isEqualTo("0.00420 g");
    assertThat(Amounts.mass(350)).isEqualTo("350 g");
    assertThat(Amounts.mass(999.4)).isEqualTo("999 g");
    assertThat(Amounts.mass(1800)).isEqualTo("1.80 kg");
    assertThat(Amounts.mass(9000)).isEqualTo("9.00 kg");
    assertThat(Amounts.mass(-1200)).isEqualTo("-1.20 kg");
    assertThat(Amounts.mass(2.5e6)).isEqualTo("2.50 t");
  }

  @Test
  void energyAndTime() {
    assertThat(Amounts.energy(0.02)).isEqualTo("20.0 Wh");
    assertThat(Amounts.energy(26)).isEqualTo("26.0 kWh");
    assertThat(Amounts.energy(4040)).isEqualTo("4.04 MWh");
    assertThat(Amounts.duration(72.0 / 3600)).isEqualTo("72.0 s");
    assertThat(Amounts.duration(0.4)).isEqualTo("24.0 min");
    assertThat(Amounts.duration(749)).isEqualTo("749 h");
  }

  @Test
  void roundingUpToANewDigitKeepsThreeDigits() {
    assertThat(Amounts.number(9.996)).isEqualTo("10.0");
    assertThat(Amounts.number(123_456)).isEqualTo("123000");
  }
}
