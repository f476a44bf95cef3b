package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the build generated from the command model before the tests (process-classes): a man page
 * in roff for every command, governor.yaml(5), and a bash completion that completes commands
 * and options.
 */
class ManPagesTest {

  private static final Path MAN = Path.of("target/man");
  private static final Path COMPLETION = Path.of("target/carbon-governor.bash-completion");

  /** Every command's qualified name: {@code carbon-governor}, {@code carbon-governor sources check}, ... */
  private static List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    List<CommandLine> next = new ArrayList<>(List.of(CarbonGovernorCommand.commandLine()));
    while (!next.isEmpty()) {
      CommandLine cl = next.remove(0);
      all.add(cl);
      next.addAll(cl.getSubcommands().values());
    }
    return all;
  }

  @Test
  void everyCommandHasARoffPageWithItsSynopsisAndOptions() throws IOException {
    for (CommandLine cl : commands()) {
      String name = cl.getCommandSpec().qualifiedName("-");
      Path page = MAN.resolve(name + ".1");
      assertThat(page).as("generated from the command model").exists();
      String roff = Files.readString(page, StandardCharsets.UTF_8);
      assertThat(roff).contains(".TH \"" + name.toUpperCase(Locale.ROOT).replace("-", "\\-") + "\" \"1\"")
          .contains("Carbon Governor")
          .contains(".SH \"SYNOPSIS\"");
      for (CommandLine.Model.OptionSpec option : cl.getCommandSpec().options()) {
        assertThat(roff).as("%s in %s", option.longestName(), page).contains(option.longestName().replace("-", "\\-"));
      }
    }
    assertThat(Files.readString(MAN.resolve("carbon-governor.1"))).contains("governor.yaml(5)");
  }

  @Test
  void theConfigurationReferenceIsSectionFive() throws IOException {
    String roff = Files.readString(MAN.resolve("governor.yaml.5"), StandardCharsets.UTF_8);
    assertThat(roff).contains(".TH \"GOVERNOR.YAML\" \"5\"").contains(".SH \"TOP\\-LEVEL KEYS\"")
        .contains(".SH \"TEAM FILES\"");
  }

  /** Every command and option of the Python client's parser, one "command NAME" or "option FLAG" a line. */
  private static final String CLIENT_PARSER = String.join("\n",
      "import argparse",
      "from carbon_governor.cli import _parser",
      "def walk(parser):",
      "    for action in parser._actions:",
      "        if isinstance(action, argparse._SubParsersAction):",
      "            for name, sub in action.choices.items():",
      "                print('command', name)",
      "                walk(sub)",
      "        for flag in action.option_strings:",
      "            print('option', flag)",
      "walk(_parser())");

  /** carbon-governor-client(1) is written by hand, so it is checked against the client's parser. */
  @Test
  void theClientsPageNamesEveryCommandAndOptionOfItsParser() throws Exception {
    Process python = new ProcessBuilder("/usr/bin/python3", "-c", CLIENT_PARSER)
        .directory(Path.of("..", "clients", "python").toFile()).redirectErrorStream(true).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(out).isZero();
    List<String> names = out.lines().map(l -> l.split(" ", 2)[1]).toList();
    assertThat(names).contains("register", "status", "--socket", "--metric");

    String roff = Files.readString(MAN.resolve("carbon-governor-client.1"), StandardCharsets.UTF_8);
    assertThat(roff).contains(".TH \"CARBON\\-GOVERNOR\\-CLIENT\" \"1\"");
    for (String name : names) {
      assertThat(roff).as("%s in carbon-governor-client.1", name).contains("\\fB" + name.replace("-", "\\-") + "\\fP");
    }
  }

  /** groff's complaints (a line it cannot break, an unknown request) are what lintian reports too. */
  @Test
  void everyPageRendersWithoutWarnings() throws Exception {
    Path man = Path.of("/usr/bin/man");
    assumeTrue(Files.isExecutable(man), "man is not installed");
    List<Path> pages;
    try (Stream<Path> files = Files.list(MAN)) {
      pages = files.filter(p -> p.getFileName().toString().matches(".*\\.[15]")).sorted().toList();
    }
    assertThat(pages).hasSizeGreaterThan(commands().size());
    for (Path page : pages) {
      ProcessBuilder render = new ProcessBuilder(man.toString(), "--warnings", "-E", "UTF-8", "-l", page.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      render.environment().put("MANWIDTH", "80");
      render.environment().put("LC_ALL", "C.UTF-8");
      Process p = render.start();
      String warnings = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(warnings).as("man --warnings -l %s", page).isEmpty();
      assertThat(p.exitValue()).as("man -l %s", page).isZero();
    }
  }

  /** What bash offers after {@code words}, the last being the word completed. */
  private static List<String> complete(String... words) throws IOException, InterruptedException {
    String script = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
        + " _complete_carbon-governor 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
    List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash", COMPLETION.toString()));
    command.addAll(List.of(words));
    Process bash = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void bashCompletesCommandsNestedCommandsAndOptions() throws Exception {
    assertThat(COMPLETION).exists();
    assertThat(complete("carbon-governor", "st")).containsExactly("status");
    assertThat(complete("carbon-governor", "sources", "")).contains("check");
    assertThat(complete("carbon-governor", "simulate", "--pro")).containsExactly("--profile");
    assertThat(complete("carbon-governor", "report", "--h")).contains("--help");
  }
}
