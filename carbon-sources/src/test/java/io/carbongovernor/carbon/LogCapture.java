package io.carbongovernor.carbon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Everything logged while it is attached: messages, key=value pairs and stack traces. */
final class LogCapture implements AutoCloseable {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** All captured lines as text, key=value pairs and throwables included. */
  String text() {
    return events().stream().map(LogCapture::render).collect(Collectors.joining("\n"));
  }

  private static String render(ILoggingEvent e) {
    StringBuilder out = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs().forEach(kv -> out.append(' ').append(kv.key).append('=').append(kv.value));
    }
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      out.append('\n').append(ThrowableProxyUtil.asString(t));
    }
    return out.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
