package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static dev.linnet.controller.build.Fixtures.tlsSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestCertificates.KeyFormat;
import dev.linnet.gateway.tls.CertificateTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TlsBuildTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final BuildOptions OPTIONS = BuildOptions.serveAll().withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Issued cert(String cn, String... names) {
        return TestCertificates.issue(KeyFormat.PKCS1_RSA, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80)),
                cn, names);
    }

    private static final Issued SHOP = cert("shop", "shop.example.com", "*.shop.example.com");

    private static BuildResult build(BuildOptions options, Object... objects) {
        return RouteTableBuilder.build(state(objects), options);
    }

    private static Fixtures.IngressFixture shopIngress() {
        return ingress("shop/web").created("2026-01-01T00:00:00Z")
                .host("shop.example.com").path("/").backend("web", 80);
    }

    @Test
    void exactAndWildcardHostsGetTheSecretsCertificate() {
        BuildResult r = build(OPTIONS, svc("shop/web", "10.0.0.1"), tlsSecret("shop/shop-tls", SHOP),
                shopIngress().tls("shop-tls", "shop.example.com", "*.shop.example.com", "Other.example.com"));

        CertificateTable c = r.table().certificates();
        assertThat(c.lookup("shop.example.com").name()).isEqualTo("shop/shop-tls");
        assertThat(c.lookup("eu.shop.example.com").name()).isEqualTo("shop/shop-tls");
        assertThat(c.lookup("other.example.com")).isNull();
        assertThat(c.hasTls("other.example.com")).isTrue();
        assertThat(r.warnings()).containsExactly(new ConfigWarning("Ingress", "shop", "web",
                "TLS host other.example.com: Secret shop/shop-tls: the certificate (CN=shop) does not cover the host;"
                        + " serving the default certificate"));
    }

    @Test
    void anUnusableSecretCostsOnlyItsHostTheCertificateAndSaysWhy() {
        Issued expired = TestCertificates.issue(KeyFormat.SEC1_EC, NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofDays(1)), "old", "old.example.com");
        Issued future = TestCertificates.issue(KeyFormat.PKCS8_EC, NOW.plus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(90)), "new", "new.example.com");
        Issued other = cert("other", "x.example.com");
        BuildResult r = build(OPTIONS, svc("shop/web", "10.0.0.1"),
                tlsSecret("shop/shop-tls", SHOP),
                tlsSecret("shop/expired", expired),
                tlsSecret("shop/future", future),
                tlsSecret("shop/mismatch", "kubernetes.io/tls", SHOP.certificatePem(), other.keyPem()),
                tlsSecret("shop/broken", "kubernetes.io/tls", "not a certificate", SHOP.keyPem()),
                tlsSecret("shop/opaque", "Opaque", SHOP.certificatePem(), SHOP.keyPem()),
                shopIngress().tls("shop-tls", "shop.example.com")
                        .tls("expired", "old.example.com").tls("future", "new.example.com")
                        .tls("mismatch", "m.example.com").tls("broken", "b.example.com")
                        .tls("opaque", "o.example.com").tls("missing", "gone.example.com"));

        assertThat(r.table().certificates().lookup("shop.example.com")).isNotNull();
        assertThat(r.table().route("shop.example.com", "/")).isNotNull();
        assertThat(r.table().certificates().exact()).containsOnlyKeys("shop.example.com");
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactlyInAnyOrder(
                "TLS host old.example.com: Secret shop/expired: the certificate expired at "
                        + expired.certificate().getNotAfter().toInstant() + "; serving the default certificate",
                "TLS host new.example.com: Secret shop/future: the certificate is not valid before "
                        + future.certificate().getNotBefore().toInstant() + "; serving the default certificate",
                "TLS host m.example.com: Secret shop/mismatch: tls.key does not match the certificate;"
                        + " serving the default certificate",
                "TLS host b.example.com: Secret shop/broken: tls.crt holds no PEM certificate"
                        + " (expected: -----BEGIN CERTIFICATE-----); serving the default certificate",
                "TLS host o.example.com: Secret shop/opaque has type Opaque (expected: kubernetes.io/tls);"
                        + " serving the default certificate",
                "TLS host gone.example.com: Secret shop/missing not found (expected: a Secret of type"
                        + " kubernetes.io/tls); serving the default certificate");
    }

    @Test
    void theOldestIngressKeepsAHostsCertificateAndSecretsComeFromTheIngressNamespace() {
        Issued second = cert("second", "shop.example.com");
        BuildResult r = build(OPTIONS, svc("shop/web", "10.0.0.1"), tlsSecret("shop/shop-tls", SHOP),
                tlsSecret("other/shop-tls", second), tlsSecret("other/second", second),
                shopIngress().tls("shop-tls", "shop.example.com"),
                ingress("other/late").created("2026-02-01T00:00:00Z").host("late.example.com").path("/")
                        .backend("web", 80).tls("second", "shop.example.com"));

        assertThat(r.table().certificates().lookup("shop.example.com").leaf()).isEqualTo(SHOP.certificate());
    }

    @Test
    void aTlsEntryWithoutSecretMeansTheDefaultCertificateWithoutWarning() {
        BuildResult r = build(OPTIONS, svc("shop/web", "10.0.0.1"), shopIngress().tls(null, "shop.example.com"));

        assertThat(r.table().certificates().hasTls("shop.example.com")).isTrue();
        assertThat(r.table().certificates().lookup("shop.example.com")).isNull();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void theDefaultCertificateComesFromItsSecretOrWarnsOnIt() {
        Issued fallback = cert("fallback", "fallback.example.com");
        BuildResult ok = build(OPTIONS.withDefaultCertificate("infra/default-tls"),
                tlsSecret("infra/default-tls", fallback));
        assertThat(ok.table().certificates().defaultCertificate().leaf()).isEqualTo(fallback.certificate());
        assertThat(ok.warnings()).isEmpty();

        BuildResult missing = build(OPTIONS.withDefaultCertificate("infra/nope"));
        assertThat(missing.table().certificates().defaultCertificate()).isNull();
        assertThat(missing.warnings()).containsExactly(new ConfigWarning("Secret", "infra", "nope",
                "--default-ssl-certificate: Secret infra/nope not found (expected: a Secret of type kubernetes.io/tls);"
                        + " serving the self-signed certificate"));
    }

    @Test
    void sameSecretsInAnyOrderGiveAnEqualTable() {
        Object[] objects = {svc("shop/web", "10.0.0.1"), tlsSecret("shop/shop-tls", SHOP),
                tlsSecret("shop/shop-tls2", cert("two", "shop.example.com")),
                shopIngress().tls("shop-tls", "shop.example.com").tls("shop-tls2", "shop.example.com")};
        BuildResult a = build(OPTIONS, objects);
        java.util.List<Object> reversed = new java.util.ArrayList<>(java.util.List.of(objects));
        java.util.Collections.reverse(reversed);
        BuildResult b = build(OPTIONS, reversed.toArray());
        assertThat(b.table()).isEqualTo(a.table());
        assertThat(a.table().certificates().lookup("shop.example.com").name()).isEqualTo("shop/shop-tls");
    }
}
