package io.carbongovernor.daemon.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One of the API's endpoints, found by path; a job's endpoints carry the job's id (a registered or a queued job's). */
record Endpoint(Kind kind, String jobId) {

  private static final Pattern JOB_PATH = Pattern.compile("/v1/jobs/([A-Za-z0-9-]{1,64})/(progress|advice|finish)");
  private static final Pattern QUEUED_JOB_PATH = Pattern.compile("/v1/queue/([A-Za-z0-9-]{1,64})");

  /** The endpoints; reads answer GET and HEAD, writes POST with a JSON body; the job list both. */
  enum Kind {
    STATUS(true, false),
    CARBON(true, false),
    METRICS(true, false),
    /** GET lists the caller's jobs, POST registers one. */
    JOBS(true, true),
    PROGRESS(false, true),
    ADVICE(true, false),
    FINISH(false, true),
    /** GET lists the caller's submitted jobs, POST submits one. */
    QUEUE(true, true),
    /** GET shows a submitted job, DELETE cancels it. */
    QUEUED_JOB(true, false, true);

    private final boolean read;
    private final boolean write;
    private final boolean delete;

    Kind(boolean read, boolean write) {
      this(read, write, false);
    }

    Kind(boolean read, boolean write, boolean delete) {
      this.read = read;
      this.write = write;
      this.delete = delete;
    }

    /** The methods this endpoint answers, as the Allow header lists them. */
    List<String> methods() {
      List<String> methods = new ArrayList<>();
      if (read) {
        methods.addAll(List.of("GET", "HEAD"));
      }
      if (write) {
        methods.add("POST");
      }
      if (delete) {
        methods.add("DELETE");
      }
      return methods;
    }

    /** Whether a request with this method carries a JSON body to read before the endpoint runs. */
    boolean takesBody(String method) {
      return write && "POST".equals(method);
    }
  }

  static Optional<Endpoint> of(String path) {
    switch (path) {
      case "/v1/status":
        return Optional.of(new Endpoint(Kind.STATUS, ""));
      case "/v1/carbon":
        return Optional.of(new Endpoint(Kind.CARBON, ""));
      case "/metrics":
        return Optional.of(new Endpoint(Kind.METRICS, ""));
      case "/v1/jobs":
        return Optional.of(new Endpoint(Kind.JOBS, ""));
      case "/v1/queue":
        return Optional.of(new Endpoint(Kind.QUEUE, ""));
      default:
        break;
    }
    Matcher queued = QUEUED_JOB_PATH.matcher(path);
    if (queued.matches()) {
      return Optional.of(new Endpoint(Kind.QUEUED_JOB, queued.group(1)));
    }
    Matcher m = JOB_PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    Kind kind =
        switch (m.group(2)) {
          case "progress" -> Kind.PROGRESS;
          case "advice" -> Kind.ADVICE;
          default -> Kind.FINISH;
        };
    return Optional.of(new Endpoint(kind, m.group(1)));
  }

  boolean allows(String method) {
    return kind.methods().contains(method);
  }

  /** The 405 for any other method, with the Allow header it must carry. */
  Answer methodNotAllowed(String method) {
    String allow = String.join(", ", kind.methods());
    return Answer.error(405, "method " + method + " not allowed here; use " + allow).withHeader("Allow", allow);
  }
}
