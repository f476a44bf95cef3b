package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
