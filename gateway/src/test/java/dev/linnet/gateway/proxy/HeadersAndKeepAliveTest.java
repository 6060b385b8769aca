package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the upstream and the client see of each other's headers, and connection reuse on both sides. */
class HeadersAndKeepAliveTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend upstream;

    @BeforeEach
    void publish() {
        upstream = gw.backend("up");
        gw.publish(table(route("h.example.com", "/", backend("up", upstream))));
    }

    @Test
    void setsForwardedHeadersAsIngressNginxDoes() {
        gw.get("h.example.com:1234", "/p?q=1", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https");
        TestBackend.Seen seen = upstream.last();
        assertThat(seen.header("Host")).isEqualTo("h.example.com:1234");
        assertThat(seen.header("X-Request-ID")).matches("[0-9a-f]{32}");
        assertThat(seen.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Forwarded-For")).as("the client's claim is not trusted").isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Original-Forwarded-For")).isEqualTo("1.2.3.4");
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo("h.example.com:1234");
        assertThat(seen.header("X-Forwarded-Port")).as("ingress-nginx's listen port, whatever Linnet's").isEqualTo("80");
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.header("X-Forwarded-Scheme")).isEqualTo("http");
        assertThat(seen.header("X-Scheme")).isEqualTo("http");
        assertThat(seen.header("X-Original-URI")).as("only with proxy-add-original-uri-header").isNull();
    }

    @Test
    void keepsAClientRequestId() {
        gw.get("h.example.com", "/", "X-Request-ID", "abc-123");
        assertThat(upstream.last().header("X-Request-ID")).isEqualTo("abc-123");
        assertThat(upstream.last().header("X-Original-Forwarded-For")).isNull();
    }

    @Test
    void removesHopByHopRequestHeaders() throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n"
                    + "TE: trailers\r\nTrailer: X-T\r\nUpgrade: websocket\r\nProxy-Authorization: Basic eA==\r\n"
                    + "Proxy-Connection: keep-alive\r\nX-Kept: yes\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
        }
        TestBackend.Seen seen = upstream.last();
        for (String name : new String[] {"Connection", "X-Secret", "Keep-Alive", "TE", "Trailer", "Upgrade",
                "Proxy-Connection"}) {
            assertThat(seen.header(name)).as(name).isNull();
        }
        assertThat(seen.header("Proxy-Authorization")).as("nginx passes it on").isEqualTo("Basic eA==");
        assertThat(seen.header("X-Kept")).isEqualTo("yes");
    }

    @Test
    void removesHopByHopResponseHeaders() {
        upstream.respondWithHeaders(Map.of("Keep-Alive", "timeout=99", "Proxy-Connection", "x",
                "Upgrade", "h2c", "X-Custom", "y"));
        HttpResponse<String> r = gw.get("h.example.com", "/");
        assertThat(r.headers().firstValue("Keep-Alive")).isEmpty();
        assertThat(r.headers().firstValue("Proxy-Connection")).isEmpty();
        assertThat(r.headers().firstValue("Upgrade")).isEmpty();
        assertThat(r.headers().firstValue("X-Custom")).contains("y");
        assertThat(r.headers().firstValue("X-Backend")).contains("up");
    }

    @Test
    void reusesOneUpstreamConnectionForSequentialRequests() throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            for (int i = 0; i < 5; i++) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\n\r\n").read().body()).isEqualTo("up");
            }
        }
        assertThat(upstream.seen()).hasSize(5);
        assertThat(upstream.connectionCount()).isEqualTo(1);
    }

    @Test
    void http10ClientIsClosedUnlessItAsksForKeepAlive() throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.0\r\nHost: h.example.com\r\n\r\n").read();
            assertThat(r.body()).isEqualTo("up");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(raw.closedByPeer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.0\r\nHost: h.example.com\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(r.header("connection")).isEqualTo("keep-alive");
            assertThat(raw.send("GET / HTTP/1.0\r\nHost: h.example.com\r\n\r\n").read().body()).isEqualTo("up");
        }
    }

    @Test
    void http11ClientAskingForCloseIsClosed() throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\nConnection: close\r\n\r\n").read();
            assertThat(r.body()).isEqualTo("up");
            assertThat(raw.closedByPeer()).isTrue();
        }
    }
}
