package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** Lists the caller's submitted jobs (root: everyone's), or shows one. */
@Command(
    name = "queue",
    sortOptions = false,
    description = {
      "List your submitted jobs (as root: everyone's), newest first, or show the one with ID.",
      "Times are local: the planned start, which the daemon re-plans at every check, and the latest start."
    })
final class QueueCommand implements Callable<Integer> {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  @Parameters(paramLabel = "ID", arity = "0..1", description = "a job's id (q-...): show that job alone")
  String id;

  @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json, as the API answers")
  String format = "text";

  @Mixin DaemonSocketOptions daemon;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    boolean json = QueueCall.json(format, spec);
    if (id != null && !ID.matcher(id).matches()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "ID must look like q-0123456789abcdef, got '" + id + "'");
    }
    QueueCall.Reply reply = new QueueCall("queue", daemon, spec.commandLine().getErr())
        .send("GET", id == null ? "/v1/queue" : "/v1/queue/" + id, Optional.empty(), 200);
    if (reply.json().isEmpty()) {
      return reply.exitCode();
    }
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer = reply.json().get();
    if (json) {
      out.println(answer);
    } else if (id != null) {
      SubmitCommand.printText(answer, out, ZoneId.systemDefault());
      if (!answer.get("reason").isNull()) {
        out.printf("reason:        %s%n", answer.get("reason").stringValue());
      }
    } else {
      printTable(answer.get("jobs"), out, ZoneId.systemDefault());
    }
    out.flush();
    return ExitCodes.OK;
  }

  static void printTable(JsonNode jobs, PrintWriter out, ZoneId zone) {
    if (jobs.isEmpty()) {
      out.println("no submitted jobs");
      return;
    }
    String row = "%-18s %-9s %-12s %-16s %-19s %s%n";
    out.printf(row, "ID", "STATE", "USER", "NAME", "PLANNED_START", "LATEST_START");
    for (JsonNode j : jobs) {
      JsonNode planned = j.get("planned_start");
      out.printf(row, j.get("id").stringValue(), j.get("state").stringValue(), j.get("user").stringValue(),
          j.get("name").stringValue(),
          planned == null || planned.isNull() ? "-" : SubmitCommand.local(planned.stringValue(), zone),
          SubmitCommand.local(j.get("latest_start").stringValue(), zone));
    }
  }
}
