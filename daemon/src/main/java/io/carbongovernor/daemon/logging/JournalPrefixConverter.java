package io.carbongovernor.daemon.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LevelToSyslogSeverity;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Starts each log line the way its reader wants it. Under systemd (stdout connected to the
 * journal, which sets {@code JOURNAL_STREAM}) the line starts with a syslog priority such as
 * {@code <4>}, which journald turns into the entry's priority and strips; journald adds the time
 * itself. In a terminal the line starts with the local time and the level instead.
 */
public final class JournalPrefixConverter extends ClassicConverter {

  private static final DateTimeFormatter TERMINAL_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final boolean journal = System.getenv("JOURNAL_STREAM") != null;

  @Override
  public String convert(ILoggingEvent event) {
    if (journal) {
      return "<" + LevelToSyslogSeverity.convert(event) + ">";
    }
    return TERMINAL_TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))
        + " "
        + String.format("%-5s", event.getLevel())
        + " ";
  }
}
