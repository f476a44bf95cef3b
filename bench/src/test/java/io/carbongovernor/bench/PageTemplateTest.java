package io.carbongovernor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageTemplateTest {

  @Test
  void fillsEveryPlaceholderAndLeavesTheHeaderForTheStamp() {
    String page = PageTemplate.of("# {{title}}\n\n{{header}}\n\n{{rate}} rows/s, {{rate}} again\n")
        .put("title", "History").put("rate", "2,883").render();

    assertThat(page).isEqualTo("# History\n\n{{header}}\n\n2,883 rows/s, 2,883 again\n");
  }

  @Test
  void aPlaceholderWithoutAValueIsAnErrorNotAStaleFigure() {
    PageTemplate page = PageTemplate.of("{{rate}} rows/s in {{seconds}} s").put("rate", "1");

    assertThatThrownBy(page::render).isInstanceOf(IllegalStateException.class).hasMessageContaining("[seconds]");
  }

  @Test
  void aValueWithoutAPlaceholderIsAnError() {
    PageTemplate page = PageTemplate.of("{{rate}} rows/s").put("rate", "1").put("sedonds", "2");

    assertThatThrownBy(page::render).isInstanceOf(IllegalStateException.class).hasMessageContaining("[sedonds]");
  }

  @Test
  void valuesGoInAsTheyAreEvenWithDollarsAndBackslashes() {
    assertThat(PageTemplate.of("{{x}}").put("x", "$1 \\n").render()).isEqualTo("$1 \\n");
  }

  @Test
  void theHeaderIsNotTheProgramsToFillAndANameIsSetOnce() {
    assertThatThrownBy(() -> PageTemplate.of("{{header}}").put("header", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageTemplate.of("{{x}}").put("x", "1").put("x", "2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
