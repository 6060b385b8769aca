package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCerts;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Host and path routing, the default backend, and the statuses the gateway answers itself. */
class RoutingAndErrorsTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @Test
    void routesByExactAndWildcardHostIgnoringCasePortAndTrailingDot() {
        TestBackend exact = gw.backend("exact");
        TestBackend wild = gw.backend("wild");
        TestBackend fallback = gw.backend("fallback");
        gw.publish(table(
                route("foo.example.com", "/", backend("exact", exact)),
                route("*.example.com", "/", backend("wild", wild)),
                route("_", "/", backend("fallback", fallback))));
        assertThat(gw.get("foo.example.com", "/").body()).isEqualTo("exact");
        assertThat(gw.get("FOO.Example.COM:8080", "/").body()).isEqualTo("exact");
        assertThat(gw.get("foo.example.com.", "/").body()).isEqualTo("exact");
        assertThat(gw.get("bar.example.com", "/").body()).isEqualTo("wild");
        assertThat(gw.get("a.b.example.com", "/").body()).as("wildcard covers one label").isEqualTo("fallback");
        assertThat(gw.get("other.org", "/").body()).isEqualTo("fallback");
    }

    /**
     * nginx matches locations on {@code $uri}: decoded, dot segments resolved, slashes merged. On
     * the raw path these would reach the pod as /admin through "/", past the /admin Ingress (and
     * any allowlist on it). The pod still gets the target as the client wrote it.
     */
    @Test
    void routesOnThePathAsNginxNormalisesItAndForwardsItAsSent() throws IOException {
        TestBackend admin = gw.backend("admin");
        TestBackend open = gw.backend("open");
        gw.publish(table(route("h", "/admin", backend("admin", admin)), route("h", "/", backend("open", open))));
        // (a target starting with "//" is covered in RequestPathTest: the JDK server behind takes it for an authority)
        for (String target : List.of("/public/../admin", "/.//admin", "/%61dmin/", "/./admin", "/x/%2e%2E/admin?q=1")) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read().body())
                        .as(target).isEqualTo("admin");
            }
            assertThat(admin.last().uri()).as("forwarded as written").isEqualTo(target);
        }
        for (String target : List.of("/..", "/a/../../admin", "/a%00b", "/a%zz", "/a%2")) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertThat(r.status()).as(target).isEqualTo(400);
                assertThat(raw.closedByPeer()).isTrue();
            }
        }
        assertThat(open.seen()).isEmpty();
    }

    /**
     * nginx's request line: origin form, or an absolute form whose host routes the request and
     * whose origin form goes upstream ($request_uri); anything else is 400.
     */
    @Test
    void anAbsoluteFormIsRoutedByItsHostAndForwardedInOriginForm() throws IOException {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().originalUriHeader(true).build())
                .build()); // X-Original-URI shows $request_uri (proxy-add-original-uri-header)
        TestBackend admin = gw.backend("admin");
        TestBackend open = gw.backend("open");
        TestBackend other = gw.backend("other");
        gw.publish(table(route("h", "/admin", backend("admin", admin)), route("h", "/", backend("open", open)),
                route("other.example", "/", backend("other", other))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET http://h/admin/x?y=1 HTTP/1.1\r\nHost: other.example\r\n\r\n").read().body())
                    .as("the request line's host wins over Host").isEqualTo("admin");
            assertThat(admin.last().uri()).isEqualTo("/admin/x?y=1");
            assertThat(admin.last().header("X-Original-URI")).isEqualTo("/admin/x?y=1");
            assertThat(raw.send("GET http://h?/admin HTTP/1.1\r\nHost: h\r\n\r\n").read().body())
                    .as("after '?' it is the query, not the path").isEqualTo("open");
            assertThat(open.last().uri()).isEqualTo("/?/admin");
        }
        for (String target : List.of("admin", "*", "http://h\\admin", "http:/h/admin", "http://h#/admin")) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertThat(r.status()).as(target).isEqualTo(400);
            }
        }
        assertThat(admin.seen()).hasSize(1);
    }

    /** Raw UTF-8 in the request line used to reach the pod re-encoded as UTF-8 of each byte. */
    @Test
    void nonAsciiBytesInTheTargetReachThePodPercentEncoded() throws IOException {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().originalUriHeader(true).build())
                .build()); // X-Original-URI shows $request_uri (proxy-add-original-uri-header)
        TestBackend b = gw.backend("b");
        gw.publish(table(route("h", "/", backend("b", b))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            byte[] head = "GET /caf\u00c3\u00a9?q=\u00c3\u00a9 HTTP/1.1\r\nHost: h\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // the UTF-8 bytes of "é"
            assertThat(raw.send(head).read().status()).isEqualTo(200);
        }
        assertThat(b.last().uri()).isEqualTo("/caf%C3%A9?q=%C3%A9");
        assertThat(b.last().header("X-Original-URI")).as("nginx's $request_uri: the client's bytes")
                .isEqualTo("/caf\u00c3\u00a9?q=\u00c3\u00a9");
        String plain = new String("/plain?x=1");
        assertThat(RequestPath.escapeNonAscii(plain)).as("an ASCII target is not copied").isSameAs(plain);
    }

    /** nginx's validate_host ends the name at the first ':'; a ".." anywhere in the value is 400. */
    @Test
    void aHostWithTwoColonsIsRoutedOnWhatNginxReadsAsTheName() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(route("*.example.com", "/", backend("b", b)), route("x.example.com", "/", backend("b", b))));
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("evil:y.example.com:80", 404); // "evil": no wildcard reached through a colon
        expected.put("x.example.com:80:9", 200);
        expected.put("x.example.com:1..2", 400);
        expected.forEach((host, status) -> {
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read().status()).as(host)
                        .isEqualTo(status);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** HTTP/1.0 absolute form without Host: nginx's $best_http_host is $host, lower case, no port. */
    @Test
    void anHttp10AbsoluteFormWithoutHostSendsTheLinesHostAsNginx() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(route("h", "/", backend("b", b))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET http://H:8080/x HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(b.last().header("Host")).isEqualTo("h");
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET http://h/x HTTP/1.1\r\nHost: h~1\r\n\r\n").read().status())
                    .as("a Host nginx's validate_host accepts").isEqualTo(200);
        }
    }

    /** nginx's ngx_http_process_host: the Host header is checked whatever routes the request. */
    @Test
    void theHostHeaderIsValidatedAsNginxDoesWhateverRoutesTheRequest() throws IOException {
        TestBackend admin = gw.backend("admin");
        gw.publish(table(route("h", "/admin", backend("admin", admin))));
        for (String head : List.of(
                "GET http://h/admin HTTP/1.1\r\nHost: evil/.h\r\n",  // the line's host routes, Host still checked
                "GET /admin HTTP/1.1\r\n",                            // HTTP/1.1 needs a Host
                "GET http://h/admin HTTP/1.1\r\n",                    // even with an absolute form
                "GET /admin HTTP/1.1\r\nHost: h\r\nHost: other\r\n",  // exactly one
                "GET /admin HTTP/1.1\r\nHost: a..h\r\n",
                "GET /admin HTTP/1.1\r\nHost: \r\n")) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send(head + "\r\n").read().status()).as(head).isEqualTo(400);
            }
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET http://h/admin HTTP/1.0\r\n\r\n").read().body()).isEqualTo("admin");
        }
        assertThat(admin.seen()).hasSize(1);
        assertThat(admin.last().header("Host")).as("HTTP/1.0 without Host: the line's host goes up").isEqualTo("h");
    }

    @Test
    void routesByPathWithoutQuery() {
        TestBackend api = gw.backend("api");
        TestBackend root = gw.backend("root");
        gw.publish(table(
                new Route("default", "main", "h", PathMatch.exact("/api"), backend("api", api), null),
                route("h", "/", backend("root", root))));
        assertThat(gw.get("h", "/api?x=1").body()).isEqualTo("api");
        assertThat(gw.get("h", "/api/x").body()).isEqualTo("root");
        assertThat(api.last().uri()).as("the query still reaches the upstream").isEqualTo("/api?x=1");
    }

    @Test
    void unknownHostGetsDefaultBackend404AndKeepsTheConnection() {
        gw.publish(table(route("known", "/", backend("k", gw.backend("k")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response first = raw.send("GET / HTTP/1.1\r\nHost: unknown\r\n\r\n").read();
            assertThat(first.status()).isEqualTo(404);
            assertThat(first.body()).contains("404");
            RawHttp.Response second = raw.send("GET / HTTP/1.1\r\nHost: known\r\n\r\n").read();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("k");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void notFoundDrainsARequestBodyFirst() throws IOException {
        gw.publish(table(route("known", "/", backend("k", gw.backend("k")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST / HTTP/1.1\r\nHost: nope\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(raw.read().status()).isEqualTo(404);
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: known\r\n\r\n").read().body()).isEqualTo("k");
        }
    }

    @Test
    void backendWithoutEndpointsGets503() {
        gw.publish(table(route("h", "/", backend("empty", List.of()))));
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(503);
    }

    @Test
    void refusedConnectGets502() throws IOException {
        gw.publish(table(route("h", "/", backend("dead", List.of(new Endpoint("127.0.0.1", closedPort()))))));
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(502);
    }

    @Test
    void refusedConnectIsRetriedOnTheNextEndpoint() throws IOException {
        TestBackend alive = gw.backend("alive");
        int dead = closedPort();
        gw.publish(table(route("h", "/", backend("svc", List.of(
                new Endpoint("127.0.0.1", dead), alive.endpoint())))));
        // Round-robin starts at either endpoint; every request must succeed either way.
        for (int i = 0; i < 6; i++) {
            assertThat(gw.get("h", "/").body()).isEqualTo("alive");
        }
        assertThat(alive.seen()).hasSize(6);
    }

    @Test
    void retriesStopAfterMaxTries() throws IOException {
        // The passive health check off: it would skip the dead endpoints after their first failure.
        gw.configure(c -> c.withMaxTries(2).toBuilder()
                .passiveHealth(dev.linnet.gateway.upstream.PassiveHealth.OFF).build());
        TestBackend alive = gw.backend("alive");
        Endpoint dead1 = new Endpoint("127.0.0.1", closedPort());
        Endpoint dead2 = new Endpoint("127.0.0.1", closedPort());
        gw.publish(table(route("h", "/", backend("svc", List.of(dead1, dead2, alive.endpoint())))));
        // Round-robin over [dead1, dead2, alive] with two tries per request: dead1, dead2 → 502;
        // alive → 200; dead1, dead2 → 502; alive → 200. With three tries every request would pass.
        int failures = 0;
        for (int i = 0; i < 4; i++) {
            if (gw.get("h", "/").statusCode() == 502) {
                failures++;
            }
        }
        assertThat(failures).isEqualTo(2);
        assertThat(alive.seen()).hasSize(2);
    }

    @Test
    void silentUpstreamGets504AfterTheReadTimeout() throws IOException {
        gw.configure(c -> c.withTimeouts(c.connectTimeout(), java.time.Duration.ofMillis(300)));
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // The kernel completes the handshake from the backlog; nobody ever answers.
            gw.publish(table(route("h", "/", backend("silent", List.of(new Endpoint("127.0.0.1", silent.getLocalPort()))))));
            assertThat(gw.get("h", "/").statusCode()).isEqualTo(504);
        }
    }

    @Test
    void aRetryGetsAReadTimeoutOfItsOwn() throws IOException {
        // nginx gives every attempt its own proxy_read_timeout. The read timer of an abandoned
        // attempt must not run on through the next one's connect: here that connect (a TLS
        // handshake the second pod holds back) spans the moment the first timer would fire.
        //
        //   0 ─ request sent to pod 1, read timer 2 s ─ 1.2 s: pod 1 closes, retry connects to pod 2
        //     ─ 2.0 s: the first attempt's timer would fire ─ 2.4 s: handshake done, request, 200
        Duration readTimeout = Duration.ofSeconds(2);
        long holdMillis = readTimeout.toMillis() * 6 / 10;
        gw.configure(c -> c.withTimeouts(c.connectTimeout(), readTimeout));
        SSLContext tls = TestCerts.serverContext(TestCerts.selfSigned("pod.internal"));
        RawBackend silentThenGone = gw.closeLater(new RawBackend((s, i) -> {
            Socket pod = serverTls(tls, s);
            RawBackend.readHead(pod.getInputStream());
            pause(holdMillis); // then closes without a word: the request may go to the next pod
        }));
        RawBackend slowHandshake = gw.closeLater(new RawBackend((s, i) -> {
            pause(holdMillis);
            Socket pod = serverTls(tls, s);
            RawBackend.readHead(pod.getInputStream());
            RawBackend.write(pod, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            pod.getInputStream().read(); // until the gateway lets go of the connection
        }));
        // Round-robin starts at the first endpoint; the retry takes the next one.
        gw.publish(table(route("h", "/", backend("pods", List.of(silentThenGone.endpoint(), slowHandshake.endpoint())),
                BackendProtocol.HTTPS)));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
    }

    @Test
    void clientStallingMidBodyGets408() throws IOException {
        gw.configure(c -> c.toBuilder().clientBodyTimeout(java.time.Duration.ofMillis(300)).build());
        gw.publish(table(route("h", "/", backend("b", gw.backend("b")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhalf!").read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void aHostThatIsNoHostNameGets400BeforeRouting() throws IOException {
        gw.publish(table(route("*.example.com", "/", backend("b", gw.backend("b")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: 2130706433/.example.com\r\n\r\n").read().status())
                    .isEqualTo(400);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: A.Example.com.:8080\r\n\r\n").read().status())
                    .as("case, a trailing dot and a port are fine").isEqualTo(200);
        }
        assertThat(RequestTarget.isHostName("[::1]")).isTrue();
        assertThat(RequestTarget.isHostName("")).as("HTTP/1.0 without Host: the default server").isTrue();
        assertThat(RequestTarget.isHostName("a b")).isFalse();
    }

    @Test
    void malformedRequestGets400AndClose() throws IOException {
        gw.publish(table());
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h\r\nBad Header Line\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void tooLongRequestLineGets414() throws IOException {
        gw.publish(table());
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(414);
        }
    }

    @Test
    void tooLargeHeadersGet431() throws IOException {
        gw.publish(table());
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(431);
        }
    }

    @Test
    void contentLengthOverTheLimitGets413BeforeTheUpstreamIsContacted() throws IOException {
        gw.configure(c -> c.withMaxRequestBodySize(10));
        TestBackend b = gw.backend("b");
        gw.publish(table(route("h", "/", backend("b", b))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
        }
        assertThat(b.seen()).isEmpty();
        // Chunked: the head is already upstream when the body outgrows the limit; no body byte is.
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "b\r\nhello world\r\n0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
        }
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            GatewayConfig config = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(taken.getLocalPort());
            assertThatThrownBy(() -> GatewayServer.start(config, gw.routes()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** The server side of TLS over an accepted socket (the pod holds the handshake until this call). */
    private static Socket serverTls(SSLContext tls, Socket accepted) throws IOException {
        return tls.getSocketFactory().createSocket(accepted, null, true); // server mode
    }

    /** A pod that takes its time on purpose (not a synchronisation). */
    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    /** A port nobody listens on: bound then released, so connecting is refused. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
