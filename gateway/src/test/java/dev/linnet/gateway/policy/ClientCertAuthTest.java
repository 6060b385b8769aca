package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.ClientCertAuth.VerifyClient;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestPki;
import dev.linnet.gateway.testing.TestPki.Cert;
import dev.linnet.gateway.testing.TlsClient;
import dev.linnet.gateway.testing.TlsClient.Result;
import dev.linnet.gateway.tls.CertificateTable;
import dev.linnet.gateway.tls.ClientCa;
import dev.linnet.gateway.tls.TlsCertificate;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client certificates through the real HTTPS listener: real handshakes on loopback, a client
 * presenting (or not) a certificate made in the test, the verdict of auth-limits-spec.md §4.
 * Test names carry the catalogue row (§11.4 T1–T9) where there is one.
 */
class ClientCertAuthTest {

    private static final String HOST = "authtls.foo.com";
    private static final String OTHER = "other.foo.com";
    private static final String CLIENT_DN = "O=Acme Co,CN=authtls.foo.com-client"; // BC order: CN printed first

    private static final Cert CA = TestPki.ca("CN=Test Root CA,O=Acme Co");
    private static final Cert CLIENT = TestPki.client(CA, CLIENT_DN);
    private static final TestCertificates.Issued SERVER = TestCertificates.issue("authtls", HOST, OTHER);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension()
            .configure(c -> c.withHttpsPort(0).toBuilder().maxRequestBodySize(1 << 20).build());

    private TestBackend b;

    @BeforeEach
    void startBackend() {
        b = gw.backend("b");
    }

    private static ClientCertAuth auth(VerifyClient verify) {
        return new ClientCertAuth(new ClientCa(List.of(CA.certificate()), List.of()), verify, 1, null, false, null);
    }

    private static ClientCertAuth with(ClientCertAuth a, ClientCa ca, int depth) {
        return new ClientCertAuth(ca, a.verify(), depth, a.errorPage(), a.passCertificate(), a.matchCn());
    }

    /** HOST with {@code hostPolicy}, OTHER without; both in spec.tls with the server certificate. */
    private void publish(Policy hostPolicy) {
        VirtualHost host = new VirtualHost(HOST, List.of(route(HOST, "/app", backend("b", b))), null,
                Policies.of(hostPolicy));
        VirtualHost other = new VirtualHost(OTHER, List.of(route(OTHER, "/", backend("b", b))), null);
        TlsCertificate cert = TlsCertificate.fromPem("default/server", SERVER.certificatePem(), SERVER.keyPem());
        gw.publish(new RouteTable(1, Map.of(HOST, host, OTHER, other), Map.of(),
                new VirtualHost(VirtualHost.DEFAULT_SERVER, List.of(), null), Map.of(),
                new CertificateTable(Map.of(HOST, cert, OTHER, cert), Map.of(), Set.of(HOST, OTHER), null)));
    }

    private Result get(Cert client) {
        return get(HOST, client, "/app");
    }

    private Result get(String sni, Cert client, String path) {
        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), sni, client)) {
            return c.get(HOST, path, true);
        }
    }

    private static String body(Result r) {
        return r.response().substring(r.response().indexOf("\r\n\r\n") + 4);
    }

    @Test
    void t1_noClientCertificateGets400AndOneGets200() {
        publish(auth(VerifyClient.ON));

        Result none = get(null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(body(none)).isEqualTo("400 No required SSL certificate was sent\n");
        assertThat(b.seen()).isEmpty();

        Result ok = get(CLIENT);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("SUCCESS");
    }

    @Test
    void t1_theVerdictHoldsForPathsNoRouteMatches() {
        publish(auth(VerifyClient.ON));

        assertThat(get(HOST, null, "/nowhere").status()).as("host-level, before the location").isEqualTo(400);
        assertThat(get(HOST, CLIENT, "/nowhere").status()).isEqualTo(404);
    }

    @Test
    void theVerdictComesBeforeTheBodySizeCheckAsInNginx() {
        publish(auth(VerifyClient.ON));
        String big = "Content-Length: 104857600\r\nExpect: 100-continue\r\n";

        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), HOST, (Cert) null)) {
            assertThat(c.get(HOST, "/app", true, big).status()).isEqualTo(400);
        }
        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), HOST, CLIENT)) {
            assertThat(c.get(HOST, "/app", true, big).status()).isEqualTo(413);
        }
    }

    @Test
    void aResumedSessionKeepsItsClientCertificate() {
        publish(auth(VerifyClient.ON));
        javax.net.ssl.SSLContext client = TlsClient.context(CLIENT);
        long first;
        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), HOST, client)) {
            assertThat(c.get(HOST, "/app", true).status()).isEqualTo(200);
            first = c.sessionCreated();
        }
        for (int i = 0; i < 3; i++) {
            try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), HOST, client)) {
                assertThat(c.get(HOST, "/app", true).status()).isEqualTo(200);
                assertThat(b.last().header("ssl-client-verify")).isEqualTo("SUCCESS");
                if (c.sessionCreated() == first) {
                    return; // resumed, and still judged by its certificate
                }
            }
        }
        org.assertj.core.api.Assertions.fail("the client never resumed its session: nothing was checked");
    }

    @Test
    void t2_verifyOffWithDepth2LetsRequestsWithoutCertificateThrough() {
        publish(with(auth(VerifyClient.OFF), new ClientCa(List.of(CA.certificate()), List.of()), 2));

        assertThat(get(null).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("NONE");
        assertThat(get(CLIENT).status()).as("off asks for no certificate").isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("NONE");
        assertThat(b.last().header("ssl-client-subject-dn")).isNull();
    }

    @Test
    void t3_errorPageRedirects302WithoutCertificateAnd200WithOne() {
        ClientCertAuth a = auth(VerifyClient.ON);
        publish(new ClientCertAuth(a.ca(), a.verify(), 1, "http://authtls.foo.com/error", false, null));

        Result none = get(null);
        assertThat(none.status()).isEqualTo(302);
        assertThat(none.response()).contains("location: http://authtls.foo.com/error");
        assertThat(get(CLIENT).status()).isEqualTo(200);
    }

    @Test
    void t4_passCertificateToUpstreamSendsThePercentEncodedPem() {
        ClientCertAuth a = auth(VerifyClient.ON);
        publish(new ClientCertAuth(a.ca(), a.verify(), 1, null, true, null));

        assertThat(get(null).status()).isEqualTo(400);
        assertThat(get(CLIENT).status()).isEqualTo(200);
        String cert = b.last().header("ssl-client-cert");
        assertThat(cert).startsWith("-----BEGIN%20CERTIFICATE-----%0A").endsWith("-----END%20CERTIFICATE-----%0A")
                .matches("[A-Za-z0-9%._~-]+");
        assertThat(java.net.URLDecoder.decode(cert.replace("+", "%2B"), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(CLIENT.pem().replace("\r\n", "\n"));
    }

    @Test
    void t5_verifyOnThenOffAfterAnUpdate() {
        publish(auth(VerifyClient.ON));
        assertThat(get(CLIENT).status()).isEqualTo(200);
        assertThat(get(null).status()).isEqualTo(400);

        publish(auth(VerifyClient.OFF));
        assertThat(get(CLIENT).status()).isEqualTo(200);
        assertThat(get(null).status()).isEqualTo(200);
    }

    private static ClientCertAuth matchCn(String pattern) {
        ClientCertAuth a = auth(VerifyClient.ON);
        return new ClientCertAuth(a.ca(), a.verify(), 1, null, false, HeaderPattern.of(pattern));
    }

    @Test
    void t6_matchCnThatDoesNotMatchGets403() {
        publish(matchCn("CN=notgonnamatch"));

        Result r = get(CLIENT);
        assertThat(r.status()).isEqualTo(403);
        assertThat(body(r)).isEqualTo("client certificate unauthorized");
    }

    @Test
    void t7_matchCnIsAnUnanchoredSearch() {
        publish(matchCn("CN=authtls"));

        assertThat(get(CLIENT).status()).isEqualTo(200);
    }

    @Test
    void t8_matchCnFixedByAnUpdate() {
        publish(matchCn("CN=notvalid"));
        assertThat(get(CLIENT).status()).isEqualTo(403);

        publish(matchCn("CN=authtls"));
        assertThat(get(CLIENT).status()).isEqualTo(200);
    }

    @Test
    void t9_matchCnAlternation() {
        publish(matchCn("CN=(itwillmatch|withthenextoption|authtls)"));

        assertThat(get(CLIENT).status()).isEqualTo(200);
    }

    @Test
    void matchCnHoldsForPlainHttpAndRequestsWithoutCertificate() {
        ClientCertAuth a = auth(VerifyClient.OPTIONAL);
        publish(new ClientCertAuth(a.ca(), a.verify(), 1, null, false, HeaderPattern.of("CN=authtls")));

        assertThat(get(null).status()).as("optional, no certificate: the DN is empty").isEqualTo(403);
        assertThat(gw.get(HOST, "/app").statusCode()).as("plain HTTP: no DN").isEqualTo(403);
        assertThat(get(CLIENT).status()).isEqualTo(200);
    }

    @Test
    void plainHttpToTheHostIsNotChecked() {
        publish(auth(VerifyClient.ON));

        assertThat(gw.get(HOST, "/app", "ssl-client-verify", "SUCCESS").statusCode()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).as("nothing claimed, nothing checked").isNull();
    }

    @Test
    void optionalLetsNoCertificateThroughButNotAnUntrustedOne() {
        publish(auth(VerifyClient.OPTIONAL));

        assertThat(get(null).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("NONE");
        Cert stranger = TestPki.client(TestPki.ca("CN=Other CA"), "CN=stranger");
        Result r = get(stranger);
        assertThat(r.status()).isEqualTo(400);
        assertThat(body(r)).isEqualTo("400 The SSL certificate error\n");
        assertThat(get(CLIENT).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("SUCCESS");
    }

    @Test
    void optionalNoCaLetsUntrustedCertificatesThroughWithTheirFailure() {
        publish(auth(VerifyClient.OPTIONAL_NO_CA));

        assertThat(get(null).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("NONE");

        Cert stranger = TestPki.client(TestPki.ca("CN=Other CA"), "CN=stranger");
        assertThat(get(stranger).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("FAILED:unable to get local issuer certificate");
        assertThat(b.last().header("ssl-client-subject-dn")).isEqualTo("CN=stranger");
        assertThat(b.last().header("ssl-client-issuer-dn")).isEqualTo("CN=Other CA");

        assertThat(get(TestPki.selfSigned("CN=me")).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isEqualTo("FAILED:self-signed certificate");

        Cert expired = TestPki.client(CA, "CN=old", Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)));
        assertThat(get(expired).status()).as("expired is not an 'untrusted' error").isEqualTo(400);
    }

    @Test
    void aCrlRevokingTheClientGets400() {
        Cert revoked = TestPki.client(CA, "CN=revoked");
        publish(with(auth(VerifyClient.ON), new ClientCa(List.of(CA.certificate()),
                List.of(TestPki.crl(CA, revoked.certificate()))), 1));

        assertThat(get(revoked).status()).isEqualTo(400);
        assertThat(get(CLIENT).status()).isEqualTo(200);

        publish(with(auth(VerifyClient.OPTIONAL_NO_CA), new ClientCa(List.of(CA.certificate()),
                List.of(TestPki.crl(CA, revoked.certificate()))), 1));
        assertThat(get(revoked).status()).as("revoked is not an 'untrusted' error").isEqualTo(400);
    }

    @Test
    void aCrlChainWithAnIntermediateNeedsACrlForEveryCertificate() {
        Cert intermediate = TestPki.intermediate(CA, "CN=Intermediate");
        Cert leaf = TestPki.client(intermediate, "CN=leaf");
        X509CRL rootCrl = TestPki.crl(CA);
        publish(with(auth(VerifyClient.ON), new ClientCa(List.of(CA.certificate()),
                List.of(rootCrl, TestPki.crl(intermediate))), 1));
        assertThat(get(leaf).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-issuer-dn")).isEqualTo("CN=Intermediate");

        publish(with(auth(VerifyClient.ON), new ClientCa(List.of(CA.certificate()), List.of(rootCrl)), 1));
        assertThat(get(leaf).status()).as("no CRL of the intermediate: OpenSSL's CRL_CHECK_ALL fails").isEqualTo(400);

        publish(with(auth(VerifyClient.OPTIONAL_NO_CA), new ClientCa(List.of(CA.certificate()), List.of(rootCrl)), 1));
        assertThat(get(leaf).status()).as("optional_no_ca does not excuse a missing CRL").isEqualTo(400);
    }

    @Test
    void verifyDepthCountsIntermediates() {
        Cert i1 = TestPki.intermediate(CA, "CN=I1");
        Cert i2 = TestPki.intermediate(i1, "CN=I2");
        Cert leaf = TestPki.client(i2, "CN=deep");
        ClientCa ca = new ClientCa(List.of(CA.certificate()), List.of());

        publish(with(auth(VerifyClient.OPTIONAL_NO_CA), ca, 1));
        assertThat(get(leaf).status()).isEqualTo(400);
        publish(with(auth(VerifyClient.ON), ca, 2));
        assertThat(get(leaf).status()).isEqualTo(200);
        assertThat(get(TestPki.client(i1, "CN=shallow")).status()).isEqualTo(200);
    }

    @Test
    void sniNamingAnotherHostGets421() {
        publish(auth(VerifyClient.ON));

        Result r = get(OTHER, CLIENT, "/app"); // handshake for OTHER, Host: HOST
        assertThat(r.status()).isEqualTo(421);
        assertThat(b.seen()).isEmpty();
    }

    @Test
    void withoutSniNoCertificateIsAskedForAndOnGets400() {
        publish(auth(VerifyClient.ON));

        assertThat(get(null, CLIENT, "/app").status()).isEqualTo(400);
    }

    @Test
    void theSubjectAndIssuerAreWrittenAsOpenSslWritesThem() {
        publish(auth(VerifyClient.ON));
        Cert mail = TestPki.client(CA, "E=ops@acme.example,CN=J\u00f6rg+UID=7,O=Acme\\, Inc.");

        assertThat(get(mail).status()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-subject-dn"))
                .isEqualTo("O=Acme\\, Inc.,CN=J\\C3\\B6rg+UID=7,emailAddress=ops@acme.example");
        assertThat(b.last().header("ssl-client-issuer-dn")).isEqualTo("O=Acme Co,CN=Test Root CA");
    }

    @Test
    void clientSentSslClientHeadersAreStrippedOnAHostWithoutClientCertificates() {
        publish(auth(VerifyClient.ON));
        String forged = "ssl-client-verify: SUCCESS\r\nSSL-Client-Subject-DN: CN=admin\r\n";

        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), OTHER, (Cert) null)) {
            assertThat(c.get(OTHER, "/", true, forged).status()).isEqualTo(200);
        }
        assertThat(b.last().header("ssl-client-verify")).isNull();
        assertThat(b.last().header("ssl-client-subject-dn")).isNull();
        assertThat(gw.get(OTHER, "/", "ssl-client-verify", "SUCCESS").statusCode()).isEqualTo(200);
        assertThat(b.last().header("ssl-client-verify")).isNull();

        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), HOST, CLIENT)) {
            assertThat(c.get(HOST, "/app", true, "ssl-client-subject-dn: CN=admin\r\n").status()).isEqualTo(200);
        }
        assertThat(b.last().header("ssl-client-subject-dn")).isEqualTo(CLIENT_DN_PRINTED);
    }

    private static final String CLIENT_DN_PRINTED = "CN=authtls.foo.com-client,O=Acme Co";

    @Test
    void http2StreamsAreJudgedByTheConnectionsCertificate() throws Exception {
        publish(auth(VerifyClient.ON));

        try (H2Client h2 = H2Client.connectTls(gw.gateway().httpsPort(), HOST, CLIENT)) {
            assertThat(h2.send(H2Client.headers("GET", HOST, "/app")).status()).isEqualTo(200);
            assertThat(b.last().header("ssl-client-verify")).isEqualTo("SUCCESS");
            assertThat(b.last().header("ssl-client-subject-dn")).isEqualTo(CLIENT_DN_PRINTED);
            assertThat(h2.send(H2Client.headers("GET", OTHER, "/")).status()).as("OTHER verifies nobody").isEqualTo(200);
        }
        try (H2Client h2 = H2Client.connectTls(gw.gateway().httpsPort(), OTHER, CLIENT)) {
            assertThat(h2.send(H2Client.headers("GET", HOST, "/app")).status()).as("coalesced onto OTHER's handshake")
                    .isEqualTo(421);
        }
    }

    @Test
    void aHostWhoseSettingsCannotBeUsedAnswers403ForEveryRequest() {
        publish(new HostForbidden("auth-tls-secret: bare name"));

        assertThat(get(CLIENT).status()).isEqualTo(403);
        assertThat(get(HOST, null, "/nowhere").status()).isEqualTo(403);
        assertThat(gw.get(HOST, "/app").statusCode()).isEqualTo(403);
        assertThat(gw.get(HOST, "/nowhere").statusCode()).isEqualTo(403);
        assertThat(b.seen()).isEmpty();
    }
}
