package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's usage as a user asks for it: {@code --help} and {@code -h} on every command,
 * nested ones too, print the usage and exit 0 whatever the command requires; the usage fits 80
 * columns and no description stops mid-sentence.
 */
class CommandHelpTest {

  /** Every command's words after {@code carbon-governor}: {@code []}, {@code [sources, check]}, ... */
  static Stream<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    collect(CarbonGovernorCommand.commandLine(), new ArrayList<>(), all);
    return all.stream();
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    cl.getSubcommands().forEach((name, sub) -> {
      List<String> next = new ArrayList<>(path);
      next.add(name);
      collect(sub, next, all);
    });
  }

  private static CommandSpec spec(List<String> words) {
    CommandLine cl = CarbonGovernorCommand.commandLine();
    for (String w : words) {
      cl = cl.getSubcommands().get(w);
    }
    return cl.getCommandSpec();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void longAndShortHelpPrintTheUsageAndExitZero(List<String> words) {
    for (String flag : List.of("--help", "-h")) {
      List<String> args = new ArrayList<>(words);
      args.add(flag);
      CommandRun run = CommandRun.of(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s: %s", args, run.all()).isZero();
      assertThat(run.err()).as("%s", args).isEmpty();
      assertThat(run.out().lines()).as("%s", args)
          .anyMatch(line -> line.startsWith("Usage: " + spec(words).qualifiedName() + " "));
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void usageFitsEightyColumns(List<String> words) {
    String usage = spec(words).commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(usage.lines()).as(usage).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
  }

  /**
   * picocli starts every element of a description on a new line and lists only the first in a
   * parent's command list, so each element must be whole sentences.
   */
  @ParameterizedTest
  @MethodSource("commands")
  void descriptionsAreWholeSentences(List<String> words) {
    CommandSpec spec = spec(words);
    List<String> texts = new ArrayList<>(List.of(spec.usageMessage().header()));
    texts.addAll(List.of(spec.usageMessage().description()));
    assertThat(texts).as("%s", words).isNotEmpty()
        .allSatisfy(t -> assertThat(t.replace("%n", "").strip()).as("%s: %s", words, t).matches("(?s)[A-Z].*[.:)]"));
  }
}
