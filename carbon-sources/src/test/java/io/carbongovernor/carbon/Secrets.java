package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The secrets the tests hand to sources, and the check that none leaked. */
final class Secrets {

  static final String EM_TOKEN = "em-SECRET-token-4f1c";
  static final String WT_USER = "governor-ops";
  static final String WT_PASSWORD = "wt-SECRET-pass-93ab";
  /** The part of the fixture token that must never show. */
  static final String WT_TOKEN_PART = "wt-SECRET-jwt";
  static final String SITE_TOKEN = "site-SECRET-bearer-7d2e";

  private Secrets() {}

  static void assertNoSecretIn(String text) {
    assertThat(text)
        .doesNotContain(EM_TOKEN)
        .doesNotContain(WT_PASSWORD)
        .doesNotContain(WT_TOKEN_PART)
        .doesNotContain(SITE_TOKEN)
        // the Basic credential as base64 of user:password
        .doesNotContain(java.util.Base64.getEncoder().encodeToString((WT_USER + ":" + WT_PASSWORD).getBytes()));
  }

  /** The exception's whole text: messages, causes, suppressed, as printed. */
  static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
