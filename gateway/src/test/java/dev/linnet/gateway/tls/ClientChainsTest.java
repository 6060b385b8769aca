package dev.linnet.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.TestPki;
import dev.linnet.gateway.testing.TestPki.Cert;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** The verdict's OpenSSL codes and texts ({@code ssl-client-verify: FAILED:<text>}), and DN formatting. */
class ClientChainsTest {

    private static final Cert ROOT = TestPki.ca("CN=Root");
    private static final Cert INTERMEDIATE = TestPki.intermediate(ROOT, "CN=Intermediate");
    private static final Cert LEAF = TestPki.client(INTERMEDIATE, "CN=leaf");

    private static ClientChains.Failure verify(Cert client, ClientCa ca, int depth) {
        return ClientChains.verify(List.of(client.chain()), ca, depth);
    }

    private static ClientCa ca(X509CRL... crls) {
        return new ClientCa(List.of(ROOT.certificate()), List.of(crls));
    }

    @Test
    void aChainUpToTheCaPasses() {
        assertThat(verify(LEAF, ca(), 1)).isNull();
        assertThat(verify(TestPki.client(ROOT, "CN=direct"), ca(), 1)).isNull();
    }

    @Test
    void theClientSendingTheRootToo() {
        List<java.security.cert.X509Certificate> chain = List.of(LEAF.certificate(), INTERMEDIATE.certificate(),
                ROOT.certificate());
        assertThat(ClientChains.verify(chain, ca(TestPki.crl(ROOT), TestPki.crl(INTERMEDIATE)), 1)).isNull();
    }

    @Test
    void failuresCarryOpenSslsCodeAndText() {
        assertThat(verify(TestPki.client(TestPki.ca("CN=Other"), "CN=x"), ca(), 1))
                .isEqualTo(new ClientChains.Failure(20, "unable to get local issuer certificate"));
        assertThat(verify(TestPki.selfSigned("CN=me"), ca(), 1))
                .isEqualTo(new ClientChains.Failure(18, "self-signed certificate"));
        Cert otherRoot = TestPki.ca("CN=Other Root");
        assertThat(ClientChains.verify(List.of(TestPki.client(otherRoot, "CN=x").certificate(), otherRoot.certificate()),
                ca(), 1)).isEqualTo(new ClientChains.Failure(19, "self-signed certificate in certificate chain"));
        Cert expired = TestPki.client(ROOT, "CN=old", Instant.now().minus(Duration.ofDays(9)),
                Instant.now().minus(Duration.ofDays(1)));
        assertThat(verify(expired, ca(), 1)).isEqualTo(new ClientChains.Failure(10, "certificate has expired"));
        assertThat(verify(TestPki.client(TestPki.intermediate(INTERMEDIATE, "CN=I2"), "CN=deep"), ca(), 1))
                .isEqualTo(new ClientChains.Failure(22, "certificate chain too long"));
    }

    @Test
    void anIntermediateInCaCrtNeedsItsRootThereTooAsNginxAllowsNoPartialChain() {
        Cert leaf = TestPki.client(INTERMEDIATE, "CN=leaf2");
        assertThat(ClientChains.verify(List.of(leaf.certificate()), new ClientCa(List.of(INTERMEDIATE.certificate()),
                List.of()), 1)).isEqualTo(new ClientChains.Failure(2, "unable to get issuer certificate"));
        assertThat(ClientChains.verify(List.of(leaf.certificate()), new ClientCa(List.of(INTERMEDIATE.certificate(),
                ROOT.certificate()), List.of()), 1)).isNull();
        Cert self = TestPki.selfSigned("CN=pinned");
        assertThat(ClientChains.verify(List.of(self.certificate()), new ClientCa(List.of(self.certificate()), List.of()),
                1)).as("a self-signed certificate in ca.crt is trusted as it is").isNull();
    }

    @Test
    void anUntrustedChainEndingInItsRootIsSelfSignedInChainWhateverItsLength() {
        Cert otherRoot = TestPki.ca("CN=Far Root");
        Cert far = TestPki.client(TestPki.intermediate(otherRoot, "CN=Far I"), "CN=far");
        List<java.security.cert.X509Certificate> sent = new java.util.ArrayList<>(List.of(far.chain()));
        sent.add(otherRoot.certificate());
        assertThat(ClientChains.verify(sent, ca(), 1))
                .isEqualTo(new ClientChains.Failure(19, "self-signed certificate in certificate chain"));
    }

    @Test
    void revocationNeedsACrlForEveryCertificateOfTheChain() {
        assertThat(verify(LEAF, ca(TestPki.crl(ROOT), TestPki.crl(INTERMEDIATE)), 1)).isNull();
        assertThat(verify(LEAF, ca(TestPki.crl(ROOT)), 1))
                .isEqualTo(new ClientChains.Failure(3, "unable to get certificate CRL"));
        assertThat(verify(LEAF, ca(TestPki.crl(ROOT), TestPki.crl(INTERMEDIATE, LEAF.certificate())), 1))
                .isEqualTo(new ClientChains.Failure(23, "certificate revoked"));
        assertThat(verify(LEAF, ca(TestPki.crl(ROOT, INTERMEDIATE.certificate()), TestPki.crl(INTERMEDIATE)), 1))
                .as("a revoked intermediate").isEqualTo(new ClientChains.Failure(23, "certificate revoked"));
        assertThat(verify(LEAF, ca(TestPki.crl(ROOT), TestPki.crl(INTERMEDIATE, Instant.now().minusSeconds(3600))), 1))
                .isEqualTo(new ClientChains.Failure(12, "CRL has expired"));
        assertThat(new ClientChains.Failure(3, "").untrustedOnly()).isFalse();
        assertThat(new ClientChains.Failure(20, "").untrustedOnly()).isTrue();
    }

    @Test
    void distinguishedNamesAreWrittenAsOpenSslsRfc2253() {
        assertThat(DistinguishedNames.rfc2253(new X500Principal("CN=a.example-client, O=Acme Co")))
                .isEqualTo("CN=a.example-client,O=Acme Co");
        assertThat(DistinguishedNames.rfc2253(new X500Principal(
                "EMAILADDRESS=ops@acme.example, SERIALNUMBER=42, STREET=Main 1, CN=J\u00f6rg\\, Sr., C=DE")))
                .isEqualTo("emailAddress=ops@acme.example,serialNumber=42,street=Main 1,CN=J\\C3\\B6rg\\, Sr.,C=DE");
    }
}
