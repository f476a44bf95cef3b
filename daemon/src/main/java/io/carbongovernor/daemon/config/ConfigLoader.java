package io.carbongovernor.daemon.config;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads {@code governor.yaml} and the team files in its teams-dir, and reports every problem in all
 * of them at once.
 */
public final class ConfigLoader {

  /** The largest governor.yaml or team file read: what the YAML parser accepts. */
  static final ByteSize MAX_FILE = ByteSize.ofBytes(YamlTree.MAX_CHARS);

  private final Path given;
  private final Path directory;
  private final LoadContext context;
  private final Problems problems = new Problems();

  /** Files in the order they were read; problems are sorted by it, then by line and column. */
  private final List<Path> files = new ArrayList<>();

  private ConfigLoader(Path given, LoadContext context) {
    this.given = given;
    this.directory = given.toAbsolutePath().normalize().getParent();
    this.context = context;
  }

  /** Loads with the process environment (for secrets given as environment variables). */
  public static GovernorConfig load(Path governorYaml, FileChecks checks)
      throws InvalidConfigException {
    return load(governorYaml, checks, System.getenv());
  }

  /**
   * @param env the environment that {@code *-env} secrets and {@code $CREDENTIALS_DIRECTORY} are
   *     read from
   * @throws InvalidConfigException with every problem found, sorted by file, line and column
   */
  public static GovernorConfig load(Path governorYaml, FileChecks checks, Map<String, String> env)
      throws InvalidConfigException {
    return new ConfigLoader(governorYaml, new LoadContext(checks, env)).load();
  }

  private GovernorConfig load() throws InvalidConfigException {
    Optional<ConfigMap> root = read(given, given.toAbsolutePath().normalize());
    if (root.isEmpty()) {
      throw invalid();
    }
    GovernorConfig config = new GovernorConfigReader(context).read(root.get(), given);
    List<TeamConfig> teams = readTeams(config.teamsDir(), nodeDeferral(root.get(), config));
    if (!problems.isEmpty()) {
      throw invalid();
    }
    return config.withTeams(teams);
  }

  /** The node's {@code queue.max-deferral} and where it was written, for team files' messages. */
  private TeamConfigReader.NodeDeferral nodeDeferral(ConfigMap root, GovernorConfig config) {
    Duration max = config.queue().maxDeferral();
    if (root.has("queue") && root.value().node().get("queue").isObject()
        && root.value().node().get("queue").has("max-deferral")) {
      Location at = root.value().child("queue").child("max-deferral").location();
      return new TeamConfigReader.NodeDeferral(max, given + ":" + at.line() + ":" + at.column());
    }
    return new TeamConfigReader.NodeDeferral(max, "the default, " + given);
  }

  private List<TeamConfig> readTeams(Path dir, TeamConfigReader.NodeDeferral node) {
    if (!Files.isDirectory(dir)) {
      return List.of(); // a missing teams-dir that was given is the reader's problem to report
    }
    Path shownDir = shown(dir);
    List<Path> teamFiles;
    try (Stream<Path> list = Files.list(dir)) {
      teamFiles = list.filter(ConfigLoader::isTeamFile).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      files.add(shownDir);
      problems.add(
          ConfigProblem.atFile(
              shownDir, "cannot read teams directory (" + e.getClass().getSimpleName() + ")"));
      return List.of();
    }
    TeamConfigReader reader = new TeamConfigReader(node);
    Map<String, Path> names = new HashMap<>();
    List<TeamConfig> teams = new ArrayList<>();
    for (Path file : teamFiles) {
      Path shownFile = shownDir.resolve(file.getFileName());
      String fileName = file.getFileName().toString();
      String team = fileName.substring(0, fileName.lastIndexOf('.'));
      Optional<ConfigMap> root = read(shownFile, file);
      boolean named = TeamConfigReader.TEAM_NAME.matcher(team).matches();
      if (!named) {
        problems.add(
            ConfigProblem.atFile(
                shownFile,
                "'"
                    + team
                    + "' is not a valid team name; name team files like vision.yaml"
                    + " (lowercase letters, digits, _ and -, at most 63 characters)"));
      }
      Path other = names.putIfAbsent(team, shownFile);
      if (other != null) {
        problems.add(
            ConfigProblem.atFile(shownFile, "team '" + team + "' is already defined by " + other));
      }
      root.flatMap(r -> reader.read(team, file, shownFile, r)).ifPresent(teams::add);
    }
    return teams;
  }

  /**
   * By name alone: a {@code .yaml} entry that is no regular file (a FIFO, a link to a device) is
   * reported when it is read, not passed over in silence.
   */
  private static boolean isTeamFile(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  /** Reads and parses one file; problems name it as {@code shown}. */
  private Optional<ConfigMap> read(Path shown, Path absolute) {
    files.add(shown);
    String text;
    try {
      text = InputFiles.readString(absolute, MAX_FILE);
    } catch (NoSuchFileException e) {
      problems.add(ConfigProblem.atFile(shown, "file does not exist"));
      return Optional.empty();
    } catch (UnsuitableFileException e) {
      problems.add(ConfigProblem.atFile(shown, "file " + e.reason()));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      problems.add(ConfigProblem.atFile(shown, "file is not UTF-8 text"));
      return Optional.empty();
    } catch (IOException e) {
      problems.add(
          ConfigProblem.atFile(shown, "cannot read file (" + e.getClass().getSimpleName() + ")"));
      return Optional.empty();
    }
    return YamlTree.parse(shown, absolute.getParent(), text, problems)
        .flatMap(doc -> ConfigValue.root(doc, problems).asMap());
  }

  /** A path as the user would recognise it: relative to the config file as it was given. */
  private Path shown(Path absolute) {
    if (given.isAbsolute() || !absolute.startsWith(directory)) {
      return absolute;
    }
    Path relative = directory.relativize(absolute);
    Path givenDir = given.getParent();
    return givenDir == null ? relative : givenDir.resolve(relative);
  }

  private InvalidConfigException invalid() {
    List<ConfigProblem> sorted = new ArrayList<>(problems.all());
    sorted.sort(
        Comparator.comparingInt((ConfigProblem p) -> rank(p.file()))
            .thenComparing(p -> p.file().toString())
            .thenComparingInt(ConfigProblem::line)
            .thenComparingInt(ConfigProblem::column));
    return new InvalidConfigException(sorted);
  }

  private int rank(Path file) {
    int index = files.indexOf(file);
    return index < 0 ? files.size() : index;
  }
}
