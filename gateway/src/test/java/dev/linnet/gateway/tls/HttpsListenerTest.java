package dev.linnet.gateway.tls;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TlsClient;
import dev.linnet.gateway.testing.TlsClient.Result;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpsListenerTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    private static final Issued SHOP = TestCertificates.issue("shop", "shop.example.com");
    private static final Issued BLOG = TestCertificates.issue("blog", "blog.example.com");
    private static final Issued WILD = TestCertificates.issue("wild", "*.apps.example.com");

    static TlsCertificate certificate(String name, Issued issued) {
        return TlsCertificate.fromPem(name, issued.certificatePem(), issued.keyPem());
    }

    static RouteTable withCertificates(RouteTable t, CertificateTable certificates) {
        return new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(), certificates);
    }

    private RouteTable tableFor(TestBackend b, Issued shop, TlsCertificate defaultCertificate) {
        return withCertificates(table(route("shop.example.com", "/", backend("shop", b)),
                        route("blog.example.com", "/", backend("blog", b)),
                        route("*.apps.example.com", "/", backend("apps", b))),
                new CertificateTable(
                        Map.of("shop.example.com", certificate("default/shop", shop),
                                "blog.example.com", certificate("default/blog", BLOG)),
                        Map.of("apps.example.com", certificate("default/wild", WILD)),
                        Set.of("shop.example.com", "blog.example.com", "*.apps.example.com"), defaultCertificate));
    }

    @Test
    void eachHostGetsItsOwnCertificateAndUnknownNamesTheFakeOne() {
        TestBackend b = gw.backend("b");
        gw.publish(tableFor(b, SHOP, null));
        int port = gw.gateway().httpsPort();

        assertThat(TlsClient.get(port, "shop.example.com", "shop.example.com", "/").cn()).isEqualTo("CN=shop");
        assertThat(TlsClient.get(port, "BLOG.example.com", "blog.example.com", "/").cn()).isEqualTo("CN=blog");
        assertThat(TlsClient.get(port, "x.apps.example.com", "x.apps.example.com", "/").cn()).isEqualTo("CN=wild");
        assertThat(TlsClient.get(port, "a.b.apps.example.com", "shop.example.com", "/").cn())
                .contains(SelfSigned.FAKE_CN);
        assertThat(TlsClient.get(port, "unknown.example.com", "shop.example.com", "/").cn()).contains(SelfSigned.FAKE_CN);
        assertThat(TlsClient.get(port, null, "shop.example.com", "/").cn()).contains(SelfSigned.FAKE_CN);
    }

    @Test
    void requestsOverTlsReachTheBackendAsHttpsOverHttp11AndModernTls() {
        TestBackend b = gw.backend("b");
        gw.publish(tableFor(b, SHOP, null));
        int port = gw.gateway().httpsPort();

        Result r = TlsClient.get(port, "shop.example.com", "shop.example.com", "/cart?x=1");

        assertThat(r.status()).isEqualTo(200); // not redirected: ssl-redirect is for plain HTTP only
        assertThat(r.alpn()).isEqualTo("http/1.1");
        assertThat(r.protocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(b.last().uri()).isEqualTo("/cart?x=1");
        assertThat(b.last().header("x-forwarded-proto")).isEqualTo("https");
        assertThat(b.last().header("x-scheme")).isEqualTo("https");
        assertThat(b.last().header("x-forwarded-port")).as("443 whatever the listen port").isEqualTo("443");
    }

    @Test
    void plainHttpStillSaysHttp() {
        TestBackend b = gw.backend("b");
        gw.publish(table(route("plain.example.com", "/", backend("plain", b))));

        assertThat(gw.get("plain.example.com", "/").statusCode()).isEqualTo(200);
        assertThat(b.last().header("x-forwarded-proto")).isEqualTo("http");
    }

    @Test
    void theTablesDefaultCertificateServesUnknownNames() {
        TestBackend b = gw.backend("b");
        Issued fallback = TestCertificates.issue("fallback", "fallback.example.com");
        gw.publish(tableFor(b, SHOP, certificate("ns/default", fallback)));
        int port = gw.gateway().httpsPort();

        assertThat(TlsClient.get(port, "unknown.example.com", "shop.example.com", "/").cn()).isEqualTo("CN=fallback");
        assertThat(TlsClient.get(port, null, "shop.example.com", "/").cn()).isEqualTo("CN=fallback");
        assertThat(TlsClient.get(port, "shop.example.com", "shop.example.com", "/").cn()).isEqualTo("CN=shop");
    }

    @Test
    void aRotatedCertificateServesNewConnectionsWhileOpenOnesKeepWorking() {
        TestBackend b = gw.backend("b");
        gw.publish(tableFor(b, SHOP, null));
        int port = gw.gateway().httpsPort();
        try (TlsClient.Connection old = TlsClient.connect(port, "shop.example.com")) {
            assertThat(old.get("shop.example.com", "/1", false).status()).isEqualTo(200);

            Issued renewed = TestCertificates.issue("shop-renewed", "shop.example.com");
            gw.publish(tableFor(b, renewed, null));

            Result fresh = TlsClient.get(port, "shop.example.com", "shop.example.com", "/2");
            assertThat(fresh.cn()).isEqualTo("CN=shop-renewed");
            assertThat(fresh.status()).isEqualTo(200);
            Result again = old.get("shop.example.com", "/3", false);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.cn()).isEqualTo("CN=shop");
        }
        assertThat(b.seen()).extracting(TestBackend.Seen::uri).containsExactly("/1", "/2", "/3");
    }

    @Test
    void aSilentClientIsCutAtTheHeaderTimeoutBeforeAnyHandshake() throws Exception {
        GatewayExtension quick = new GatewayExtension().configure(c -> c.withHttpsPort(0).toBuilder()
                .clientHeaderTimeout(java.time.Duration.ofMillis(300)).build());
        try (java.net.Socket silent = new java.net.Socket("127.0.0.1", quick.gateway().httpsPort())) {
            // 300 ms asked; 5 s is generous, and well below Netty's own 10 s default that would
            // otherwise close it (so this fails when the timeout is not passed on).
            silent.setSoTimeout(5_000);
            assertThat(silent.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
        } finally {
            quick.afterEach(null);
        }
    }

    @Test
    void withoutHttpsPortThereIsNoHttpsListener() throws Exception {
        GatewayExtension plain = new GatewayExtension();
        try {
            assertThat(plain.gateway().httpsPort()).isEqualTo(-1);
        } finally {
            plain.afterEach(null);
        }
    }
}
