package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.policy.Flow;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.policy.RequestPolicy;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TlsClient;
import dev.linnet.gateway.tls.CertificateTable;
import dev.linnet.gateway.tls.TlsCertificate;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HSTS and {@code add-headers} through the real gateway, over a real HTTPS listener
 * (annotations-spec.md §8.4, §3.5; catalogue S1–S4, X12, X13): HSTS on every HTTPS response of a
 * location, proxied or answered by the gateway, replacing the backend's; never over plain HTTP,
 * whatever X-Forwarded-Proto says. add-headers on every response of every host and status.
 */
class ResponseHeadersTest {

    private static final String SECURE = "secure.example.com";
    private static final String NO_TLS = "notls.example.com";
    private static final String REDIRECTING = "redirect.example.com";
    private static final TestCertificates.Issued CERT = TestCertificates.issue("secure", SECURE);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    /** Answers every request with a redirect, as ssl-redirect or an auth sign-in would. */
    private record Redirect() implements RequestPolicy {
        @Override
        public Step step() {
            return Step.SSL_REDIRECT;
        }

        @Override
        public Flow onRequest(RequestContext request) {
            request.answer(Answers.redirect(302, "https://elsewhere.example.com/"));
            return Flow.ANSWERED;
        }
    }

    private void headers(String hsts, ResponseHeaders.Header... add) {
        gw.configure(c -> c.toBuilder().responseHeaders(new ResponseHeaders(hsts, null, false, List.of(add))).build());
    }

    /** SECURE has a certificate (spec.tls); NO_TLS and REDIRECTING are served with the default one. */
    private TestBackend publish(Map<String, String> backendHeaders) {
        TestBackend b = gw.backend("b");
        b.respondWithHeaders(backendHeaders);
        RouteTable t = table(route(SECURE, "/", backend("b", b)), route(NO_TLS, "/", backend("b", b)),
                withPolicies(route(REDIRECTING, "/", backend("b", b)), new Redirect()),
                route("empty.example.com", "/", backend("empty", List.of())));
        gw.publish(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new CertificateTable(Map.of(SECURE, TlsCertificate.fromPem("default/secure", CERT.certificatePem(),
                        CERT.keyPem())), Map.of(), Set.of(SECURE), null)));
        return b;
    }

    private TlsClient.Result https(String host, String path) {
        return TlsClient.get(gw.gateway().httpsPort(), host, host, path);
    }

    private static List<String> hsts(TlsClient.Result r) {
        return r.headers("strict-transport-security");
    }

    @Test
    void byDefaultHttpsAnswersCarryAYearWithSubdomains() {
        publish(Map.of());
        assertThat(hsts(https(SECURE, "/"))).containsExactly("max-age=31536000; includeSubDomains");
    }

    @Test
    void s1_s2_s3_theValueFollowsMaxAgeSubdomainsAndPreload() {
        assertThat(ResponseHeaders.hstsValue("86400", true, false)).isEqualTo("max-age=86400; includeSubDomains");
        assertThat(ResponseHeaders.hstsValue("86400", false, false)).isEqualTo("max-age=86400");
        assertThat(ResponseHeaders.hstsValue("86400", false, true)).isEqualTo("max-age=86400; preload");
        assertThat(ResponseHeaders.hstsValue("86400", true, true)).isEqualTo("max-age=86400; includeSubDomains; preload");
        headers("max-age=86400; preload");
        publish(Map.of());
        TlsClient.Result r = https(SECURE, "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(hsts(r)).containsExactly("max-age=86400; preload");
    }

    @Test
    void s4_theBackendsOwnHstsIsReplaced() {
        headers("max-age=86400; preload");
        publish(Map.of("Strict-Transport-Security", "max-age=5"));
        assertThat(hsts(https(SECURE, "/?hsts=true"))).containsExactly("max-age=86400; preload");
    }

    @Test
    void x12_hostsWithoutTlsTheCatchAllAndTheGatewaysOwnAnswersGetHstsOverHttps() {
        publish(Map.of());
        TlsClient.Result noTls = https(NO_TLS, "/");
        assertThat(noTls.cn()).as("default certificate").isNotEqualTo("CN=secure");
        assertThat(hsts(noTls)).containsExactly("max-age=31536000; includeSubDomains");

        TlsClient.Result catchAll = https("unknown.example.com", "/");
        assertThat(catchAll.status()).isEqualTo(404);
        assertThat(hsts(catchAll)).containsExactly("max-age=31536000; includeSubDomains");

        TlsClient.Result redirect = https(REDIRECTING, "/");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(hsts(redirect)).as("a redirect made in the location").containsExactly(
                "max-age=31536000; includeSubDomains");

        TlsClient.Result unavailable = https("empty.example.com", "/");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(hsts(unavailable)).containsExactly("max-age=31536000; includeSubDomains");
    }

    @Test
    void http2OverTlsGetsHstsAndH2cDoesNot() {
        publish(Map.of());
        try (H2Client h2 = H2Client.connectTls(gw.gateway().httpsPort())) {
            H2Client.Response r = h2.send(H2Client.headers("GET", SECURE, "/"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().getAll("strict-transport-security")).extracting(CharSequence::toString)
                    .containsExactly("max-age=31536000; includeSubDomains");
        }
        try (H2Client h2c = H2Client.connect(gw.port())) {
            H2Client.Response r = h2c.send(H2Client.headers("GET", SECURE, "/"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().getAll("strict-transport-security")).isEmpty();
        }
    }

    @Test
    void aRequestRefusedBeforeRoutingHasNoLocationSoNoHsts() throws IOException {
        publish(Map.of());
        try (TlsClient.Connection c = TlsClient.connect(gw.gateway().httpsPort(), SECURE)) {
            TlsClient.Result r = c.get(SECURE, "/", true, "Bad Header: x\r\n");
            assertThat(r.status()).isEqualTo(400);
            assertThat(hsts(r)).isEmpty();
        }
    }

    @Test
    void x13_plainHttpNeverGetsHstsWhateverXForwardedProtoSays() throws IOException {
        publish(Map.of());
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: " + SECURE + "\r\nX-Forwarded-Proto: https\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("strict-transport-security")).isNull();
            RawHttp.Response redirect = raw.send("GET / HTTP/1.1\r\nHost: " + REDIRECTING + "\r\n\r\n").read();
            assertThat(redirect.status()).isEqualTo(302);
            assertThat(redirect.header("strict-transport-security")).isNull();
        }
    }

    @Test
    void hstsOffSendsNone() {
        headers(null);
        publish(Map.of());
        assertThat(hsts(https(SECURE, "/"))).isEmpty();
    }

    @Test
    void addHeadersAreSetOnEveryAnswerAndReplaceTheBackends() throws IOException {
        headers(ResponseHeaders.DEFAULT.hsts(), ResponseHeaders.Header.of("X-Frame-Options", "DENY"),
                ResponseHeaders.Header.of("X-Served-By", "$hostname literally"));
        TestBackend b = publish(Map.of("X-Frame-Options", "SAMEORIGIN", "X-Other", "kept"));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response proxied = raw.send("GET / HTTP/1.1\r\nHost: " + SECURE + "\r\n\r\n").read();
            assertThat(proxied.status()).isEqualTo(200);
            assertThat(proxied.header("x-frame-options")).isEqualTo("DENY");
            assertThat(proxied.header("x-served-by")).isEqualTo("$hostname literally");
            assertThat(proxied.header("x-other")).isEqualTo("kept");

            RawHttp.Response notFound = raw.send("GET / HTTP/1.1\r\nHost: unknown.example.com\r\n\r\n").read();
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.header("x-frame-options")).isEqualTo("DENY");

            RawHttp.Response redirect = raw.send("GET / HTTP/1.1\r\nHost: " + REDIRECTING + "\r\n\r\n").read();
            assertThat(redirect.status()).isEqualTo(302);
            assertThat(redirect.header("x-frame-options")).isEqualTo("DENY");
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response refused = raw.send("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").read();
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.header("x-frame-options")).as("http level: even before routing").isEqualTo("DENY");
        }
        TlsClient.Result overTls = https(SECURE, "/");
        assertThat(overTls.headers("x-frame-options")).containsExactly("DENY");
        assertThat(b.seen()).hasSize(2);
    }
}
