package io.carbongovernor.daemon.cli;

import java.lang.reflect.Constructor;
import java.time.Clock;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code carbon-governor} command and its subcommands. */
@Command(
    name = "carbon-governor",
    // Every subcommand, nested ones too, takes -h/--help (and -V/--version).
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Carbon-aware GPU power limits: full speed on a clean grid, efficiency on a dirty one.",
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      StatusCommand.class,
      GpusCommand.class,
      SourcesCommand.class,
      SimulateCommand.class,
      WhenCommand.class,
      SubmitCommand.class,
      QueueCommand.class,
      CancelCommand.class,
      RestoreCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nSee also:%n",
    footer = {
      "The manual of each command, carbon-governor-COMMAND(1), and of the configuration, governor.yaml(5)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:runtime failure",
      "2:usage error",
      "78:invalid configuration (file:line:col: message on stderr)"
    })
public final class CarbonGovernorCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Supplier<Terminal> stderr;
  private Terminal terminal;

  public CarbonGovernorCommand() {
    this(Terminal::stderr);
  }

  private CarbonGovernorCommand(Supplier<Terminal> stderr) {
    this.stderr = stderr;
  }

  /** Asked once, by the first command that shows progress. */
  private synchronized Terminal terminal() {
    if (terminal == null) {
      terminal = stderr.get();
    }
    return terminal;
  }

  /** A bar for {@code total} items on standard error where it is a terminal; nothing elsewhere. */
  Progress progressBar(String task, int total) {
    Terminal t = terminal();
    return t.stderrIsTerminal()
        ? new ProgressBar(spec.commandLine().getErr(), t.columns(), task, total, System::nanoTime)
        : Progress.NONE;
  }

  /** The time that uncountable work has taken, on standard error where it is a terminal. */
  Progress elapsed(String what) {
    Terminal t = terminal();
    return t.stderrIsTerminal() ? ElapsedProgress.started(spec.commandLine().getErr(), t.columns(), what) : Progress.NONE;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Builds the command line with the project's exit-code conventions. */
  public static CommandLine commandLine() {
    return commandLine(Clock.systemUTC(), Terminal::stderr);
  }

  /**
   * As {@link #commandLine()}, with the clock that the commands which read the time are built
   * with (a command takes it in a constructor with a {@link Clock}); tests pin it.
   */
  public static CommandLine commandLine(Clock clock) {
    return commandLine(clock, Terminal::stderr);
  }

  /** As {@link #commandLine()}, with standard error taken for what {@code stderr} says. */
  static CommandLine commandLine(Supplier<Terminal> stderr) {
    return commandLine(Clock.systemUTC(), stderr);
  }

  private static CommandLine commandLine(Clock clock, Supplier<Terminal> stderr) {
    CommandLine cl = new CommandLine(new CarbonGovernorCommand(stderr), new WithClock(clock));
    // A bad command line is a usage error (2); anything else a failure.
    cl.setExitCodeExceptionMapper(
        t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.RUNTIME_FAILURE);
    return cl;
  }

  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Builds a command with the clock where it has a constructor for one, else as picocli does. */
  private record WithClock(Clock clock) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      Constructor<K> withClock;
      try {
        withClock = type.getDeclaredConstructor(Clock.class);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
      return withClock.newInstance(clock);
    }
  }
}
