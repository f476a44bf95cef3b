package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Cancels a submitted job that has not started: its owner's, or as root any. */
@Command(
    name = "cancel",
    description = {
      "Cancel a submitted job that has not started yet (yours; as root, anyone's).",
      "A job that started already is not stopped: it is yours to end."
    })
final class CancelCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "the job's id, as submit and queue print it (q-...)")
  String id;

  @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json, as the API answers")
  String format = "text";

  @Mixin DaemonSocketOptions daemon;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    boolean json = QueueCall.json(format, spec);
    if (!QueueCommand.ID.matcher(id).matches()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "ID must look like q-0123456789abcdef, got '" + id + "'");
    }
    QueueCall.Reply reply =
        new QueueCall("cancel", daemon, spec.commandLine().getErr()).send("DELETE", "/v1/queue/" + id, Optional.empty(), 200);
    if (reply.json().isEmpty()) {
      return reply.exitCode();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(reply.json().get());
    } else {
      out.printf("%s %s%n", reply.json().get().get("id").stringValue(), reply.json().get().get("state").stringValue());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
