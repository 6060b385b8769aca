package dev.linnet.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestCertificates.KeyFormat;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsCertificateTest {

    private static final Instant NOW = Instant.now();

    private static Issued issue(KeyFormat format, String cn, String... names) {
        return TestCertificates.issue(format, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), cn, names);
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void readsEveryKeyDialectSecretsHold(KeyFormat format) {
        Issued issued = issue(format, "shop", "shop.example.com");
        assertThat(issued.keyPem()).contains(switch (format) {
            case PKCS8_RSA, PKCS8_EC -> "BEGIN PRIVATE KEY";
            case PKCS1_RSA -> "BEGIN RSA PRIVATE KEY";
            case SEC1_EC -> "BEGIN EC PRIVATE KEY";
        });

        TlsCertificate c = TlsCertificate.fromPem("ns/shop", issued.certificatePem(), issued.keyPem());

        assertThat(c.leaf()).isEqualTo(issued.certificate());
        assertThat(c.covers("shop.example.com")).isTrue();
        assertThat(c).isEqualTo(TlsCertificate.fromPem("ns/shop", issued.certificatePem(), issued.keyPem()));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Issued a = issue(KeyFormat.PKCS8_EC, "a", "a.example.com");
        Issued b = issue(KeyFormat.PKCS8_EC, "b", "b.example.com");
        Issued rsa = issue(KeyFormat.PKCS1_RSA, "r", "r.example.com");

        assertThatThrownBy(() -> TlsCertificate.fromPem("x", a.certificatePem(), b.keyPem()))
                .isInstanceOf(InvalidCertificateException.class).hasMessage("tls.key does not match the certificate");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x", a.certificatePem(), rsa.keyPem()))
                .isInstanceOf(InvalidCertificateException.class).hasMessageContaining("RSA key but the certificate's is EC");
    }

    @Test
    void aChainFixedInTheSecretIsANewCertificate() {
        // The classic fix: the same leaf and key, re-applied with the missing intermediate.
        Issued leaf = issue(KeyFormat.PKCS8_EC, "shop", "shop.example.com");
        Issued intermediate = issue(KeyFormat.PKCS8_EC, "intermediate");
        TlsCertificate bare = TlsCertificate.fromPem("ns/shop", leaf.certificatePem(), leaf.keyPem());
        TlsCertificate chained = TlsCertificate.fromPem("ns/shop", leaf.certificatePem() + intermediate.certificatePem(),
                leaf.keyPem());

        assertThat(chained).as("served from a new SslContext, not the cached one").isNotEqualTo(bare);
        assertThat(chained.chain()).hasSize(2);
    }

    @Test
    void anEd25519KeyIsRefusedBecauseBoringSslCannotServeIt() {
        Issued ed = TestCertificates.issueEd25519("ed", "ed.example.com");

        assertThatThrownBy(() -> TlsCertificate.fromPem("x", ed.certificatePem(), ed.keyPem()))
                .isInstanceOf(InvalidCertificateException.class).hasMessageContaining("not supported for serving");
    }

    @Test
    void malformedPemSaysWhichHalfIsBroken() {
        Issued a = issue(KeyFormat.PKCS8_EC, "a", "a.example.com");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x", "", a.keyPem())).hasMessage("tls.crt is empty");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x", "hello", a.keyPem())).hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", a.keyPem()))
                .hasMessageStartingWith("tls.crt is malformed");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x", a.certificatePem(), "garbage"))
                .hasMessageContaining("tls.key holds no private key");
        assertThatThrownBy(() -> TlsCertificate.fromPem("x", a.certificatePem(), a.certificatePem()))
                .hasMessageContaining("tls.key holds no private key");
    }

    @Test
    void wildcardsCoverExactlyOneLabelAsRfc6125Says() {
        TlsCertificate c = fromIssued(issue(KeyFormat.PKCS8_EC, "w", "*.example.com", "Exact.Other.com"));
        assertThat(c.covers("a.example.com")).isTrue();
        assertThat(c.covers("A.EXAMPLE.com")).isTrue();
        assertThat(c.covers("*.example.com")).isTrue(); // an Ingress wildcard host
        assertThat(c.covers("example.com")).isFalse();
        assertThat(c.covers("a.b.example.com")).isFalse();
        assertThat(c.covers("exact.other.com")).isTrue();
        assertThat(c.covers("x.other.com")).isFalse();
        assertThat(HostNames.matches("*.com", "a.com")).isFalse();
        assertThat(HostNames.matches("a*.example.com", "ab.example.com")).isFalse();
    }

    @Test
    void theCommonNameCountsOnlyWithoutSubjectAltNames() {
        assertThat(fromIssued(issue(KeyFormat.PKCS8_EC, "cn.example.com")).covers("cn.example.com")).isTrue();
        assertThat(fromIssued(issue(KeyFormat.PKCS8_EC, "cn.example.com", "san.example.com")).covers("cn.example.com"))
                .isFalse();
    }

    @Test
    void theFakeCertificateLooksLikeIngressNginxs() {
        TlsCertificate fake = SelfSigned.fakeCertificate();
        assertThat(fake.leaf().getSubjectX500Principal().getName()).contains("CN=" + SelfSigned.FAKE_CN);
        assertThat(fake.covers("ingress.local")).isTrue();
        assertThat(fake.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(300)));
    }

    private static TlsCertificate fromIssued(Issued i) {
        return TlsCertificate.fromPem("x", i.certificatePem(), i.keyPem());
    }
}
