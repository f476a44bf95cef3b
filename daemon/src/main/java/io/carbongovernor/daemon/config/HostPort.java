package io.carbongovernor.daemon.config;

/** A listener's {@code host:port}, IPv6 in brackets: {@code [::1]:9464}. */
record HostPort(String host, int port) {

  /**
   * @param example an address to show in the message, such as {@code 127.0.0.1:9464}
   * @throws IllegalArgumentException saying what is wrong
   */
  static HostPort parse(String text, String example) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("expected [::1]:port, got '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "expected host:port like " + example + " (IPv6 as [::1]:9464), got '" + text + "'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    int number = port.matches("\\d{1,5}") ? Integer.parseInt(port) : -1;
    if (number < 0 || number > 65535) {
      throw new IllegalArgumentException("port must be from 0 (any free port) to 65535, got '" + port + "'");
    }
    return new HostPort(host, number);
  }
}
