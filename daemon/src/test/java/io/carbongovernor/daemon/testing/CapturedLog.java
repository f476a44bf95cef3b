package io.carbongovernor.daemon.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** The lines one logger writes from INFO up while a test runs: level, message and key=value pairs. */
public final class CapturedLog implements AutoCloseable {

  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Captures from INFO up, whatever the test configuration passes on. */
  private CapturedLog(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    level = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  public static CapturedLog of(String name) {
    return new CapturedLog(name);
  }

  /** Each event as {@code LEVEL message key="value" ...}, oldest first. */
  public List<String> lines() {
    synchronized (appender) { // the lock the appender appends under
      return appender.list.stream().map(CapturedLog::line).toList();
    }
  }

  /** The lines at WARN or above. */
  public List<String> problems() {
    return lines().stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR")).toList();
  }

  private static String line(ILoggingEvent e) {
    String pairs = e.getKeyValuePairs() == null ? "" : e.getKeyValuePairs().stream()
        .map(kv -> " " + kv.key + "=\"" + kv.value + "\"").collect(Collectors.joining());
    return e.getLevel() + " " + e.getFormattedMessage() + pairs;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
  }
}
