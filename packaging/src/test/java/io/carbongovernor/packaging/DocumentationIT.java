package io.carbongovernor.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation the package ships and the repository holds: the README opens with the two
 * commands, every relative link in a Markdown file leads to a file (and heading) that exists, and
 * no source or document cites a file outside the repository.
 */
class DocumentationIT {

  private static final Path SOURCE =
      Path.of(System.getProperty("carbon-governor.source-root")).toAbsolutePath().normalize();

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.*)");

  @Test
  void theReadmeOpensWithTheBuildAndRunCommandAndTheTestCommand() throws IOException {
    List<String> lines = Files.readAllLines(SOURCE.resolve("README.md"));
    List<String> commands = new ArrayList<>();
    boolean shell = false;
    for (String line : lines.subList(0, Math.min(40, lines.size()))) {
      if (line.startsWith("```")) {
        shell = !shell && line.equals("```sh");
      } else if (shell) {
        commands.add(line);
      }
    }

    assertThat(commands)
        .as("the shell commands in the README's first 40 lines")
        .startsWith(
            "mvn -B -q -DskipTests package && bin/carbon-governor run --config config/demo.yaml",
            "mvn -B verify");
  }

  @Test
  void everyRelativeLinkInTheMarkdownLeadsToAFileAndHeadingThatExist() throws IOException {
    List<Path> documents = files(".md");
    assertThat(documents).contains(SOURCE.resolve("README.md"), SOURCE.resolve("docs/architecture.md"));
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path document : documents) {
      int n = 0;
      for (String line : prose(document)) {
        n++;
        Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("[a-z]+:.*")) {
            continue; // https:, mailto:
          }
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
          String where = SOURCE.relativize(document) + ":" + n + ": " + target;
          if (!resolved.startsWith(SOURCE) || !Files.exists(resolved)) {
            broken.add(where + " (no such file)");
          } else if (hash >= 0 && resolved.toString().endsWith(".md")
              && !anchors.computeIfAbsent(resolved, DocumentationIT::anchors).contains(target.substring(hash + 1))) {
            broken.add(where + " (no such heading)");
          }
        }
      }
    }

    assertThat(broken).isEmpty();
  }

  @Test
  void noSourceOrDocumentCitesAFileOutsideTheRepository() throws IOException {
    List<String> citing = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (String ext : List.of(".java", ".py", ".md")) {
      files.addAll(files(ext));
    }
    for (Path file : files) {
      if (file.equals(SOURCE.resolve("CHANGELOG.md"))) {
        continue; // history may name what the project once cited
      }
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("DESIGN" + ".md") || lines.get(i).contains("../" + "shared/")) {
          citing.add(SOURCE.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }

    assertThat(files).contains(SOURCE.resolve("README.md"));
    assertThat(citing).isEmpty();
  }

  /** The lines of a Markdown file, with fenced code blocks blanked (their links are no links). */
  private static List<String> prose(Path document) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    try {
      for (String line : Files.readAllLines(document)) {
        if (line.startsWith("```")) {
          fenced = !fenced;
          out.add("");
        } else {
          out.add(fenced ? "" : line);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + document + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The anchors GitHub gives a document's headings: lower case, punctuation dropped, - for space. */
  private static Set<String> anchors(Path document) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(document)) {
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String slug =
          m.group(1)
              .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
              .replace(' ', '-');
      int count = seen.merge(slug, 1, Integer::sum);
      anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
    }
    return anchors;
  }

  /** The repository's files with this extension, outside build output and hidden directories. */
  private static List<Path> files(String extension) throws IOException {
    try (Stream<Path> walk = Files.walk(SOURCE)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(extension))
          .filter(Files::isRegularFile)
          .filter(p -> !outsideTheSources(SOURCE.relativize(p)))
          .sorted()
          .toList();
    }
  }

  /** Build output, hidden directories, and the demo's state directory ({@code ./state}). */
  private static boolean outsideTheSources(Path relative) {
    if (relative.getNameCount() > 1 && relative.getName(0).toString().equals("state")) {
      return true;
    }
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      String dir = relative.getName(i).toString();
      if (dir.equals("target") || dir.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
