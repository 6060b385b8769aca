package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.UnsupportedAnnotations;
import dev.linnet.gateway.policy.ClientCertAuth;
import dev.linnet.gateway.policy.ClientCertAuth.VerifyClient;
import dev.linnet.gateway.policy.HostForbidden;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.testing.TestPki;
import dev.linnet.gateway.testing.TestPki.Cert;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code auth-tls-*} from annotations to the hosts (auth-limits-spec.md §4, §11.4, §11.8): per
 * host, oldest main Ingress first, errors 403 for the whole host, invalid values dropping the Ingress.
 */
class ClientCertBuildTest {

    private static final Cert CA = TestPki.ca("CN=Test CA");
    private static final String HOST = "authtls.foo.com";

    static Secret caSecret(String nsName, String caCrt, String caCrl) {
        String[] n = Fixtures.split(nsName);
        SecretBuilder b = new SecretBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1]).endMetadata()
                .withType("Opaque");
        if (caCrt != null) {
            b.addToData("ca.crt", Base64.getEncoder().encodeToString(caCrt.getBytes(StandardCharsets.US_ASCII)));
        }
        if (caCrl != null) {
            b.addToData("ca.crl", Base64.getEncoder().encodeToString(caCrl.getBytes(StandardCharsets.US_ASCII)));
        }
        return b.build();
    }

    private static Secret caSecret() {
        return caSecret("auth/ca", CA.pem(), null);
    }

    private static Fixtures.IngressFixture web(String nsName, String created, String path) {
        return ingress(nsName).created(created).host(HOST).path(path).backend("web", 80);
    }

    private static Fixtures.IngressFixture tls(Fixtures.IngressFixture i, String key, String value) {
        return i.annotation(PREFIX + "/auth-tls-" + key, value);
    }

    private static Policy hostPolicy(BuildResult r, String host) {
        List<Policy> all = r.table().virtualHost(host).policies().all();
        return all.isEmpty() ? null : all.get(0);
    }

    private static BuildResult build(Object... objects) {
        return Fixtures.build(objects);
    }

    @Test
    void t1_aSecretWithCaCrtMakesTheHostVerifyClientsForEveryIngressOnIt() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret(),
                tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"),
                web("auth/b", "2026-01-02T00:00:00Z", "/b"));

        ClientCertAuth auth = (ClientCertAuth) hostPolicy(r, HOST);
        assertThat(auth.verify()).isEqualTo(VerifyClient.ON);
        assertThat(auth.depth()).isEqualTo(1);
        assertThat(auth.ca().certificates()).containsExactly(CA.certificate());
        assertThat(r.table().route(HOST, "/b").policies().find(ClientCertAuth.class)).as("host-level, not on the routes")
                .isNull();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void theOldestIngressWinsAndLaterOnesAreWarnedAbout() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret(),
                tls(tls(web("auth/new", "2026-01-02T00:00:00Z", "/b"), "secret", "auth/ca"), "verify-client", "off"),
                tls(tls(web("auth/old", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"), "verify-client",
                        "optional"));

        assertThat(((ClientCertAuth) hostPolicy(r, HOST)).verify()).isEqualTo(VerifyClient.OPTIONAL);
        assertThat(r.warnings()).extracting(ConfigWarning::name, ConfigWarning::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("new", "host authtls.foo.com: client certificates are already set"
                        + " by an older Ingress (auth-tls-* applies per host); ignored here"));
    }

    @Test
    void host403ForABareSecretName() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret(),
                tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "ca"),
                web("auth/b", "2026-01-02T00:00:00Z", "/b"));

        assertThat(hostPolicy(r, HOST)).isInstanceOf(HostForbidden.class);
        assertThat(r.table().route(HOST, "/b")).as("the other Ingress keeps its route, behind the 403").isNotNull();
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "annotation nginx.ingress.kubernetes.io/auth-tls-secret: \"ca\": not namespace/name (ingress-nginx"
                        + " accepts no bare Secret name here); every request to the Ingress's hosts answers 403"
                        + " (fails closed)");
    }

    @Test
    void host403ForASecretWithoutCaCrtWhereIngressNginxWouldFailOpen() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), Fixtures.tlsSecret("auth/ca",
                        dev.linnet.gateway.testing.TestCertificates.issue("srv", HOST)),
                tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"));

        assertThat(hostPolicy(r, HOST)).isInstanceOf(HostForbidden.class);
        assertThat(r.warnings()).extracting(ConfigWarning::message).singleElement().asString()
                .contains("Secret auth/ca has no ca.crt");
    }

    @Test
    void host403ForEveryOtherUnusableSecret() {
        for (Object[] c : new Object[][] {
            {"other/ca", caSecret("other/ca", CA.pem(), null), "another namespace"},
            {"auth/missing", caSecret(), "Secret auth/missing not found"},
            {"auth/bad", caSecret("auth/bad", "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", null),
                "ca.crt is malformed"},
            {"auth/badcrl", caSecret("auth/badcrl", CA.pem(), "not a crl"), "ca.crl is not a PEM CRL"},
        }) {
            BuildResult r = build(svc("auth/web", "10.0.0.1"), c[1], tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"),
                    "secret", (String) c[0]));
            assertThat(hostPolicy(r, HOST)).as((String) c[0]).isInstanceOf(HostForbidden.class);
            assertThat(r.warnings()).extracting(ConfigWarning::message).singleElement().asString().contains((String) c[2]);
        }
    }

    @Test
    void anErrorOnAnyIngressOfTheHostBeatsAnOlderGoodSetting() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret(),
                tls(web("auth/old", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"),
                tls(web("auth/new", "2026-01-02T00:00:00Z", "/b"), "secret", "auth/nope"));

        assertThat(hostPolicy(r, HOST)).isInstanceOf(HostForbidden.class);
    }

    @Test
    void invalidValuesFallBackOrDropTheIngressAsIngressNginxDoes() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret(), tls(tls(tls(
                web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"), "verify-client", "maybe"),
                "verify-depth", "0"));
        ClientCertAuth auth = (ClientCertAuth) hostPolicy(r, HOST);
        assertThat(auth.verify()).isEqualTo(VerifyClient.ON);
        assertThat(auth.depth()).isEqualTo(1);
        assertThat(r.warnings()).hasSize(2);

        for (String[] c : new String[][] {{"error-page", "http://x/error?q=1"}, {"pass-certificate-to-upstream", "yes"},
            {"match-cn", "O=Acme"}, {"match-cn", "CN=(unclosed"}}) {
            BuildResult dropped = build(svc("auth/web", "10.0.0.1"), caSecret(),
                    tls(tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"), c[0], c[1]));
            assertThat(dropped.table().route(HOST, "/a")).as(c[0] + ": " + c[1]).isNull();
            assertThat(dropped.warnings()).extracting(ConfigWarning::message).anyMatch(m -> m.endsWith(
                    "; the Ingress is not served"));
        }
        BuildResult badChars = build(svc("auth/web", "10.0.0.1"), caSecret(),
                tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca;"));
        assertThat(badChars.table().route(HOST, "/a")).isNull();
    }

    @Test
    void everyKeyIsRead() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), caSecret("auth/ca", CA.pem(), TestPki.pem(TestPki.crl(CA))),
                tls(tls(tls(tls(tls(tls(web("auth/a", "2026-01-01T00:00:00Z", "/a"), "secret", "auth/ca"),
                        "verify-client", "optional_no_ca"), "verify-depth", "3"),
                        "error-page", "https://auth.example.com/denied"), "pass-certificate-to-upstream", "true"),
                        "match-cn", "CN=(alice|bob)"));

        ClientCertAuth auth = (ClientCertAuth) hostPolicy(r, HOST);
        assertThat(auth.verify()).isEqualTo(VerifyClient.OPTIONAL_NO_CA);
        assertThat(auth.depth()).isEqualTo(3);
        assertThat(auth.errorPage()).isEqualTo("https://auth.example.com/denied");
        assertThat(auth.passCertificate()).isTrue();
        assertThat(auth.matchCn()).isEqualTo(HeaderPattern.of("CN=(alice|bob)"));
        assertThat(auth.ca().crls()).hasSize(1);
        assertThat(r.warnings()).isEmpty();
        assertThat(UnsupportedAnnotations.NOT_IMPLEMENTED).noneMatch(k -> k.startsWith("auth-tls-"));
    }

    @Test
    void aCanaryNeverSetsTheHostsClientCertificates() {
        BuildResult r = build(svc("auth/web", "10.0.0.1"), svc("auth/web-canary", "10.0.0.2"), caSecret(),
                tls(ingress("auth/canary").created("2025-01-01T00:00:00Z").canary().canary("canary-weight", "50")
                        .host(HOST).path("/a").backend("web-canary", 80), "secret", "auth/ca"),
                web("auth/main", "2026-01-01T00:00:00Z", "/a"));

        assertThat(hostPolicy(r, HOST)).isNull();
        assertThat(r.table().route(HOST, "/a").canary()).as("the canary still attaches").isNotNull();
        assertThat(r.warnings()).extracting(ConfigWarning::message).contains("the auth-tls-* annotations are ignored on"
                + " a canary Ingress: a host's client certificates come from its main Ingresses only (ingress-nginx"
                + " would let a canary set them)");
    }
}
