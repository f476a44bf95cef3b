package io.carbongovernor.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code .deb} as Debian's own checker sees it: {@code lintian} (Debian package {@code
 * lintian}; .ci/run installs it where missing) reports no error, and no warning beyond the few
 * accepted below, each with its reason.
 */
class LintianIT {

  /** A warning lintian may give about this package where its context fits, and why it stands. */
  record Accepted(BiPredicate<String, Set<String>> fits, String reason) {}

  private static Accepted where(String contextRegex, String reason) {
    Pattern context = Pattern.compile(contextRegex);
    return new Accepted((text, files) -> context.matcher(text).find(), reason);
  }

  /** Tag to the one context in which it is accepted. */
  private static final Map<String, Accepted> ACCEPTED_WARNINGS =
      Map.of(
          "unknown-java-class-version",
          where(
              "^META-INF/versions/\\d+/\\S+\\.class -> \\d+ \\[usr/share/carbon-governor/lib/[^ /]+\\.jar\\]$",
              "a multi-release jar's classes for JDKs newer than this lintian knows; a JVM loads them"
                  + " only on those JDKs"),
          "codeless-jar",
          where(
              "^\\[usr/share/carbon-governor/lib/jffi-[^ /]+-native\\.jar\\]$",
              "jffi's native stub library for each platform: no classes by design"),
          "initial-upload-closes-no-bugs",
          where(
              "^\\[usr/share/doc/carbon-governor/changelog\\.Debian\\.gz:\\d+\\]$",
              "the package is not uploaded to the Debian archive, so there is no ITP bug to close"),
          "classpath-contains-relative-path",
          new Accepted(
              LintianIT::onlyCutOffByTheManifestsLineWrap,
              "lintian reads only the first line of a wrapped manifest attribute, so it sees the"
                  + " daemon jar's Class-Path cut after 72 bytes; every entry is whole in the jar"
                  + " and beside it (javaDashJarOnTheUnpackedJarPrintsTheVersion runs it)"));

  /** {@code W: carbon-governor: no-manual-page [usr/bin/carbon-governor]} */
  private static final Pattern TAG = Pattern.compile("([EWIPXO]): carbon-governor(?: [a-z]+)?: (\\S+)(?: (.*))?");

  private static Path deb;

  @TempDir Path dir;

  @BeforeAll
  static void findPackage() throws IOException {
    Path target = Path.of(System.getProperty("carbon-governor.deb-dir"));
    try (Stream<Path> files = Files.list(target)) {
      List<Path> debs =
          files.filter(p -> p.getFileName().toString().matches("carbon-governor_.*_all\\.deb")).toList();
      assertThat(debs).as("one package in %s", target).hasSize(1);
      deb = debs.get(0);
    }
  }

  @Test
  void lintianReportsNoErrorAndOnlyAcceptedWarnings() throws Exception {
    String out = lintian(deb);
    Set<String> files = files(deb);
    List<Matcher> tags =
        out.lines().map(TAG::matcher).filter(Matcher::matches).toList();

    assertThat(tags).as(out).noneMatch(t -> t.group(1).equals("E"));
    assertThat(tags)
        .as(out)
        .filteredOn(t -> t.group(1).equals("W"))
        .allMatch(
            t -> {
              Accepted accepted = ACCEPTED_WARNINGS.get(t.group(2));
              return accepted != null
                  && t.group(3) != null
                  && accepted.fits().test(t.group(3), files);
            },
            "a warning accepted in ACCEPTED_WARNINGS for its context");
  }

  @Test
  void debianChangelogIsCompressedAndItsLatestEntryIsThePackagesVersion() throws Exception {
    String version = Commands.run("dpkg-deb", "-f", deb.toString(), "Version").strip();
    Path root = Commands.unpack(deb, dir.resolve("root"));
    Path doc = root.resolve("usr/share/doc/carbon-governor");

    String changelog = gunzip(doc.resolve("changelog.Debian.gz"));
    assertThat(changelog.lines().findFirst())
        .hasValueSatisfying(
            first -> assertThat(first).startsWith("carbon-governor (" + version + ") "));
    // The upstream changelog beside it is the repository's CHANGELOG.md.
    assertThat(gunzip(doc.resolve("changelog.gz")))
        .isEqualTo(
            Files.readString(
                Path.of(System.getProperty("carbon-governor.source-root")).resolve("CHANGELOG.md")));
  }

  /**
   * {@code lib/carbon-sources-0.1.0-SNAPS [usr/share/carbon-governor/carbon-governor.jar]}: the
   * daemon jar's Class-Path entries, each a strict prefix of a jar in the package beside it.
   */
  private static boolean onlyCutOffByTheManifestsLineWrap(String context, Set<String> files) {
    Matcher m = Pattern.compile("^(.+) \\[usr/share/carbon-governor/carbon-governor\\.jar\\]$").matcher(context);
    if (!m.matches()) {
      return false;
    }
    for (String entry : m.group(1).split(",\\s*")) {
      String path = "usr/share/carbon-governor/" + entry.strip();
      if (!entry.startsWith("lib/")
          || files.stream().noneMatch(f -> f.startsWith(path) && f.length() > path.length())) {
        return false;
      }
    }
    return true;
  }

  /** The paths of the package's files, without the leading {@code ./}. */
  private static Set<String> files(Path deb) throws Exception {
    Set<String> files = new HashSet<>();
    for (String line : Commands.run("dpkg-deb", "-c", deb.toString()).lines().toList()) {
      // -rw-r--r-- root/root      1234 2026-11-23 14:27 ./usr/share/carbon-governor/lib/x.jar
      String[] f = line.trim().split("\\s+", 6);
      files.add(f[5].substring(2));
    }
    return files;
  }

  private static String gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String lintian(Path deb) throws Exception {
    return Commands.run("lintian", "--tag-display-limit", "0", "--fail-on", "none", deb.toString());
  }
}
