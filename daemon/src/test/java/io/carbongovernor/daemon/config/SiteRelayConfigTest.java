package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.SourceConfig.Type;
import io.carbongovernor.daemon.testing.SelfSignedPem;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site relay's configuration: {@code site-api} on the serving daemon, {@code type: governor}
 * on the reading ones. Every mistake is a problem at its file, line and column.
 */
class SiteRelayConfigTest {

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  private static String withRelay(String source) {
    return "zone: DE\nteams-dir: teams.d\ncarbon:\n  sources:\n" + source;
  }

  private static String withSiteApi(String site) {
    return ConfigFiles.VALID + "site-api:\n" + site;
  }

  @Test
  void aGovernorSourceReadsItsAddressTokenAndCaFile() throws Exception {
    SelfSignedPem pem = SelfSignedPem.create(dir, "site");
    files.write("site-token", "s3cret\n");
    GovernorConfig config = files.load(withRelay("""
            - type: governor
              base-url: https://governor-a.example:9465
              token-file: site-token
              ca-file: site.crt
        """));
    SourceConfig source = config.carbon().sources().get(0);
    assertThat(source.type()).isEqualTo(Type.GOVERNOR);
    assertThat(source.name()).isEqualTo("governor");
    assertThat(source.baseUrl()).contains(URI.create("https://governor-a.example:9465"));
    assertThat(source.token().map(Secret::reveal)).contains("s3cret");
    assertThat(source.caFile()).contains(pem.cert());
  }

  @Test
  void aGovernorSourceNeedsNoToken() throws Exception {
    SourceConfig source =
        files.load(withRelay("    - {type: governor, base-url: 'http://10.0.0.5:9465'}\n")).carbon().sources().get(0);
    assertThat(source.token()).isEmpty();
    assertThat(source.caFile()).isEmpty();
  }

  @Test
  void aGovernorSourceWithoutBaseUrl() {
    files.assertOnly(withRelay("    - type: governor\n"), 5, 7, "carbon.sources[0]: missing required key 'base-url'");
  }

  @Test
  void aCaFileThatHoldsNoCertificate() {
    files.write("ca.pem", "not a certificate\n");
    files.assertOnly(
        withRelay("    - type: governor\n      base-url: https://a:9465\n      ca-file: ca.pem\n"), 7, 16,
        "carbon.sources[0].ca-file: CA file " + dir.resolve("ca.pem")
            + " is not a PEM file (no -----BEGIN ...----- block)");
  }

  @Test
  void caFileBelongsToGovernorAlone() {
    files.assertOnly(
        withRelay("    - type: uk\n      ca-file: ca.pem\n"), 6, 7,
        "carbon.sources[0]: key 'ca-file' is not used by type uk (only by governor)");
  }

  @Test
  void aGovernorTokenFromAnUnsetVariable() {
    files.assertOnly(
        withRelay("    - type: governor\n      base-url: https://a:9465\n      token-env: SITE_TOKEN\n"), 7, 18,
        "carbon.sources[0].token-env: environment variable SITE_TOKEN is not set");
  }

  @Test
  void aSiteApiWithTlsAndATokenLoads() throws Exception {
    SelfSignedPem pem = SelfSignedPem.create(dir, "site");
    files.env = Map.of("SITE_TOKEN", "s3cret");
    GovernorConfig config = files.load(withSiteApi("""
          listen: 0.0.0.0:9465
          tls: {cert-file: site.crt, key-file: site.key}
          token-env: SITE_TOKEN
        """));
    SiteApiConfig site = config.siteApi().orElseThrow();
    assertThat(site.host()).isEqualTo("0.0.0.0");
    assertThat(site.port()).isEqualTo(9465);
    assertThat(site.tls()).contains(new SiteApiConfig.Tls(pem.cert(), pem.key()));
    assertThat(site.token().map(Secret::reveal)).contains("s3cret");
    assertThat(site.tokenGiven()).isTrue();
    assertThat(site.toString()).doesNotContain("s3cret");
  }

  @Test
  void noSiteApiSectionServesNone() throws Exception {
    assertThat(files.load(ConfigFiles.VALID).siteApi()).isEmpty();
  }

  @Test
  void aSiteApiListensOnIPv6AndNeedsNoTls() throws Exception {
    SiteApiConfig site = files.load(withSiteApi("  listen: '[::]:0'\n")).siteApi().orElseThrow();
    assertThat(site.host()).isEqualTo("::");
    assertThat(site.tls()).isEmpty();
    assertThat(site.token()).isEmpty();
    assertThat(site.tokenGiven()).isFalse();
  }

  @Test
  void aSiteApiWithoutListen() {
    files.env = Map.of("SITE_TOKEN", "s3cret");
    files.assertOnly(withSiteApi("  token-env: SITE_TOKEN\n"), 8, 3, "site-api: missing required key 'listen'");
  }

  @Test
  void tlsWithOnlyACertificate() throws Exception {
    SelfSignedPem.create(dir, "site");
    files.assertOnly(
        withSiteApi("  listen: 0.0.0.0:9465\n  tls:\n    cert-file: site.crt\n"), 10, 5,
        "site-api.tls: missing required key 'key-file'");
  }

  @Test
  void anUnreadableTokenFile() {
    files.assertOnly(
        withSiteApi("  listen: 0.0.0.0:9465\n  token-file: /nonexistent/site-token\n"), 9, 15,
        "site-api.token-file: secret file /nonexistent/site-token does not exist");
  }

  @Test
  void aKeyOfAnotherCertificate() throws Exception {
    SelfSignedPem.create(dir, "site");
    SelfSignedPem.create(dir, "other");
    files.assertOnly(
        withSiteApi("  listen: 0.0.0.0:9465\n  tls:\n    cert-file: site.crt\n    key-file: other.key\n"), 11, 15,
        "site-api.tls.key-file: the private key does not belong to the certificate CN=localhost in "
            + dir.resolve("site.crt"));
  }

  @Test
  void aKeyInTheOldFormatIsNamedWithTheCommandThatConvertsIt() throws Exception {
    SelfSignedPem.create(dir, "site");
    files.write("old.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    files.assertOnly(
        withSiteApi("  listen: 0.0.0.0:9465\n  tls: {cert-file: site.crt, key-file: old.key}\n"), 9, 40,
        "site-api.tls.key-file: key file " + dir.resolve("old.key") + " holds a RSA key in the old format;"
            + " convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
  }

  @Test
  void anUnknownKeyAndAListenWithoutPort() {
    assertThat(files.problems(withSiteApi("  listen: 0.0.0.0\n  tls-cert: site.crt\n")))
        .extracting(ConfigProblem::toString)
        .containsExactlyInAnyOrder(
            files.governor() + ":9:3: site-api: unknown key 'tls-cert'",
            files.governor() + ":8:11: site-api.listen: expected host:port like 0.0.0.0:9465 (IPv6 as [::1]:9464),"
                + " got '0.0.0.0'");
  }

  @Test
  void aSiteApiTokenLeftUnreadByACheckFreeLoadStillSaysOneIsWanted() throws Exception {
    files.write("governor.yaml", withSiteApi("  listen: 0.0.0.0:9465\n  token-file: missing\n"));
    SiteApiConfig site = ConfigLoader.load(files.governor(), FileChecks.SKIP).siteApi().orElseThrow();
    assertThat(site.token()).isEqualTo(Optional.empty());
    assertThat(site.tokenGiven()).isTrue();
  }
}
