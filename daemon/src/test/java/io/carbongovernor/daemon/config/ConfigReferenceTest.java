package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.SourceConfig.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * governor.yaml(5) documents exactly the keys the readers accept, each in the part about its
 * mapping: a key added to a reader and not to the page, or one the page names and no reader
 * takes, fails here.
 */
class ConfigReferenceTest {

  static final Path PAGE = Path.of("src/main/man/governor.yaml.5.adoc");

  /** A term: {@code *key*::}, or several, {@code *a*, *b*::}, with words after the keys. */
  private static final Pattern TERM = Pattern.compile("^(\\*[a-z0-9-]+\\*(?:, \\*[a-z0-9-]+\\*)*)[^:]*::$");
  private static final Pattern KEY = Pattern.compile("\\*([a-z0-9-]+)\\*");

  /** The page's terms, by the line that opens their part: a section title or "Keys of/under ...". */
  private static Map<String, Set<String>> parts;

  @BeforeAll
  static void read() throws IOException {
    parts = new LinkedHashMap<>();
    Set<String> current = null;
    for (String line : Files.readAllLines(PAGE)) {
      if (line.startsWith("== ") || line.startsWith("Keys ")) {
        current = new TreeSet<>();
        parts.put(line, current);
        continue;
      }
      Matcher term = TERM.matcher(line);
      if (term.matches() && current != null) {
        Matcher key = KEY.matcher(term.group(1));
        while (key.find()) {
          current.add(key.group(1));
        }
      }
    }
  }

  /** The terms of the one part whose opening line starts with {@code opening}. */
  private static Set<String> part(String opening) {
    List<String> found = parts.keySet().stream().filter(l -> l.startsWith(opening)).toList();
    assertThat(found).as("one part opened by '%s' in %s", opening, PAGE).hasSize(1);
    return parts.get(found.get(0));
  }

  private static void documents(String opening, Set<String> accepted) {
    assertThat(part(opening)).as("%s: the keys under '%s'", PAGE, opening).containsExactlyInAnyOrderElementsOf(accepted);
  }

  @Test
  void everyKeyOfGovernorYamlIsDocumentedInItsSection() {
    documents("== TOP-LEVEL KEYS", GovernorConfigReader.TOP_KEYS);
    documents("Keys under *gpu*:", GovernorConfigReader.GPU_KEYS);
    documents("Keys under *gpu.simulated*:", GovernorConfigReader.SIMULATED_KEYS);
    documents("Keys of each entry of *gpu.simulated.work*:", GovernorConfigReader.WORK_KEYS);
    documents("Keys under *carbon*:", GovernorConfigReader.CARBON_KEYS);
    documents("Keys under *api*:", GovernorConfigReader.API_KEYS);
    documents("Keys under *site-api* (", SiteApiConfigReader.KEYS);
    documents("Keys under *site-api.tls*:", SiteApiConfigReader.TLS_KEYS);
    documents("Keys under *history*:", GovernorConfigReader.HISTORY_KEYS);
    documents("Keys under *history.retention*", RetentionReader.KEYS);
    documents("Keys under *fleet*:", FleetConfigReader.KEYS);
    documents("Keys under *fleet.report*:", FleetConfigReader.REPORT_KEYS);
    documents("Keys under *queue*:", GovernorConfigReader.QUEUE_KEYS);
    documents("Keys under *queue.submitters*", GovernorConfigReader.SUBMITTER_KEYS);
  }

  @Test
  void everyKeyOfEverySourceTypeIsDocumented() {
    documents("Keys of every source:", SourceConfigReader.COMMON_KEYS);
    assertThat(SourceConfigReader.TYPE_KEYS).containsOnlyKeys(Type.values());
    for (Type type : Type.values()) {
      documents("Keys of *type: " + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + "*",
          SourceConfigReader.TYPE_KEYS.get(type));
    }
  }

  @Test
  void everyPolicyKindAndItsKeysAreDocumented() {
    documents("== POLICIES", Set.of("kind"));
    assertThat(PolicyConfigReader.KEYS).containsOnlyKeys(PolicyConfigReader.KINDS);
    for (Map.Entry<String, Set<String>> kind : PolicyConfigReader.KEYS.entrySet()) {
      Set<String> own = new HashSet<>(kind.getValue());
      own.remove("kind");
      documents("Keys of *kind: " + kind.getKey() + "*", own);
    }
    documents("Keys of each entry of *bands*:", PolicyConfigReader.BAND_KEYS);
  }

  @Test
  void everyKeyOfATeamFileIsDocumented() {
    documents("== TEAM FILES", TeamConfigReader.KEYS);
    documents("Keys under *members*", TeamConfigReader.MEMBER_KEYS);
  }
}
