package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.RewriteTarget;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5 item 5, end to end: a real gateway and real upstreams enforce the per-route settings
 * the builder takes from a main Ingress's annotations. The listener's settings are deliberately
 * far from the route's, so each test fails if the route's value is not the one applied.
 */
class RouteAnnotationsTest {

    /** Listener: 30 s connect, 60 s read, no body limit, 1 try; the client gives up after 20 s. */
    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension()
            .configure(c -> c.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60)).withMaxTries(1));

    private final List<AutoCloseable> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws Exception {
        for (AutoCloseable s : sockets) {
            s.close();
        }
    }

    private static RouteOptions options(Duration connect, Duration read, long maxBody, int tries, RewriteTarget rewrite) {
        return new RouteOptions(BackendProtocol.HTTP, connect, read, null, maxBody, tries, rewrite);
    }

    /** {@code route} behind {@code allowlist-source-range}. */
    private static Route allowing(Route route, String... ranges) {
        return Fixtures.withPolicies(route, new AccessList(SourceRanges.of(List.of(ranges))));
    }

    private static RouteOptions options(long maxBody) {
        return options(null, null, maxBody, -1, null);
    }

    private static Route route(String path, Backend b, RouteOptions options) {
        return new Route("default", "main", "h", PathMatch.prefix(path), b, null, options);
    }

    private static Route regexRoute(String path, Backend b, RouteOptions options) {
        return new Route("default", "main", "h", PathMatch.regex(path), b, null, options);
    }

    // ---- proxy-connect-timeout ----

    @Test
    void theRoutesConnectTimeoutCutsABlackholedEndpointLongBeforeTheListeners() throws IOException {
        Endpoint blackhole = blackhole();
        gw.publish(table(route("/", backend("silent", List.of(blackhole)),
                options(Duration.ofMillis(300), null, -1, -1, null))));
        // With the listener's 30 s the client (20 s) would give up first and this would throw.
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(504);
    }

    // ---- proxy-read-timeout ----

    @Test
    void theRoutesReadTimeoutAnswers504WhenTheUpstreamStaysSilent() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        RawBackend silent = new RawBackend((socket, index) -> {
            RawBackend.readHead(socket.getInputStream());
            try {
                release.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sockets.add(silent);
        sockets.add(release::countDown);
        gw.publish(table(route("/", backend("silent", List.of(silent.endpoint())),
                options(null, Duration.ofMillis(300), -1, -1, null))));
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(504);
    }

    // ---- proxy-body-size ----

    @Test
    void theRoutesBodyLimitRefusesByContentLengthAndWhileStreaming() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(route("/", backend("b", b), options(1000))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n").read().status())
                    .isEqualTo(413);
        }
        assertThat(b.seen()).as("refused before the upstream is contacted").isEmpty();
        try (RawHttp raw = new RawHttp(gw.port())) {
            String chunk = "x".repeat(1001);
            assertThat(raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n").read().status())
                    .isEqualTo(413);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response ok = raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n"
                    + "y".repeat(1000)).read();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).startsWith("1000 ");
        }
    }

    @Test
    void theListenerLimitAppliesOnlyWhereTheRouteSetsNoneAndZeroIsUnlimited() throws IOException {
        gw.configure(c -> c.withMaxRequestBodySize(100));
        TestBackend b = gw.backend("b");
        gw.publish(table(route("/big", backend("b", b), options(0)), route("/", backend("b", b), options(-1))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response ok = raw.send("POST /big/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n"
                    + "y".repeat(5000)).read();
            assertThat(ok.status()).as("route: 0 = unlimited, over the listener's 100").isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n").read().status())
                    .isEqualTo(413);
        }
    }

    // ---- proxy-next-upstream-tries ----

    @Test
    void theRoutesTriesDecideWhetherDeadEndpointsAreSkipped() throws IOException {
        TestBackend live = gw.backend("live");
        List<Endpoint> endpoints = List.of(deadEndpoint(), deadEndpoint(), live.endpoint());
        gw.publish(table(route("/one", backend("b1", endpoints), options(null, null, -1, 1, null)),
                route("/three", backend("b3", endpoints), options(null, null, -1, 3, null)),
                route("/all", backend("b0", endpoints), options(null, null, -1, 0, null))));
        List<Integer> one = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            one.add(gw.get("h", "/one").statusCode());
        }
        // round-robin over [dead, dead, live] with one try each: exactly one request lands
        assertThat(one).containsExactlyInAnyOrder(200, 502, 502);
        for (int i = 0; i < 3; i++) {
            assertThat(gw.get("h", "/three").statusCode()).isEqualTo(200);
            assertThat(gw.get("h", "/all").statusCode()).as("0: every endpoint once").isEqualTo(200);
        }
    }

    // ---- allowlist-source-range ----

    @Test
    void clientsOutsideTheAllowlistGet403AndInsideAreProxied() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(
                allowing(route("/closed", backend("b", b), RouteOptions.DEFAULTS), "10.0.0.0/8", "2001:db8::/32"),
                allowing(route("/open", backend("b", b), RouteOptions.DEFAULTS), "10.0.0.0/8", "127.0.0.0/8"),
                allowing(route("/nobody", backend("b", b), RouteOptions.DEFAULTS))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response denied = raw.send("POST /closed HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc").read();
            assertThat(denied.status()).isEqualTo(403);
            // the body was drained and the connection kept, as nginx does after its own 403
            assertThat(raw.send("GET /open HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("b");
        }
        assertThat(gw.get("h", "/nobody").statusCode()).isEqualTo(403);
        assertThat(b.seen()).extracting(TestBackend.Seen::uri).containsExactly("/open");
    }

    // ---- rewrite-target and regex paths ----

    @Test
    void rewriteTargetSubstitutesCaptureGroupsAndKeepsTheQuery() throws IOException {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().originalUriHeader(true).build())
                .build()); // X-Original-URI shows $request_uri (proxy-add-original-uri-header)
        TestBackend b = gw.backend("b");
        gw.publish(table(
                regexRoute("/api/(v\\d)/(.*)", backend("b", b), options(null, null, -1, -1,
                        RewriteTarget.of("/$2/$1"))),
                regexRoute("/fixed", backend("b", b), options(null, null, -1, -1,
                        RewriteTarget.of("/static?from=fixed"))),
                regexRoute("/drop", backend("b", b), options(null, null, -1, -1, RewriteTarget.of("/bare?")))));
        assertThat(gw.get("h", "/API/v1/users/7?id=7&x").statusCode()).isEqualTo(200);
        assertThat(b.last().uri()).isEqualTo("/users/7/v1?id=7&x");
        assertThat(b.last().header("X-Original-URI")).isEqualTo("/API/v1/users/7?id=7&x");
        gw.get("h", "/fixed/anything?a=1");
        assertThat(b.last().uri()).isEqualTo("/static?from=fixed&a=1");
        gw.get("h", "/drop?a=1");
        assertThat(b.last().uri()).isEqualTo("/bare");
    }

    /** nginx rewrites {@code $uri}: the normalised path; decoded captures are escaped again. */
    @Test
    void rewriteTargetWorksOnTheNormalisedPath() throws IOException {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().originalUriHeader(true).build())
                .build()); // X-Original-URI shows $request_uri (proxy-add-original-uri-header)
        TestBackend b = gw.backend("b");
        gw.publish(table(regexRoute("/api/(.*)", backend("b", b), options(null, null, -1, -1,
                RewriteTarget.of("/v2/$1")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET //api/x/../users?id=7 HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.last().uri()).isEqualTo("/v2/users?id=7");
            assertThat(raw.send("GET /api/a%20b%3Fc/%64 HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.last().uri()).as("decoded for matching, escaped again in the capture").isEqualTo("/v2/a%20b%3Fc/d");
            assertThat(b.last().header("X-Original-URI")).isEqualTo("/api/a%20b%3Fc/%64");
            // nginx: captures go in decoded, the proxy escapes the new $uri with NGX_ESCAPE_URI (not & + ;)
            assertThat(raw.send("GET /api/a%3Bb%26c%2Bd HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.last().uri()).isEqualTo("/v2/a;b&c+d");
        }
    }

    /** A capture in the target's own query is escaped as an argument when the client's path had escapes. */
    @Test
    void aCaptureInTheTargetsQueryIsEscapedAsAnArgument() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(regexRoute("/s/(.*)", backend("b", b), options(null, null, -1, -1,
                RewriteTarget.of("/search?q=$1")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET /s/a%26b%20c?page=2 HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.last().uri()).isEqualTo("/search?q=a%26b%20c&page=2");
            assertThat(raw.send("GET /s/plain HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.last().uri()).isEqualTo("/search?q=plain");
            // raw bytes above 127 are no escape to nginx: the capture goes in as it is (an '&' stays one)
            byte[] head = "GET /s/\u00c3\u00a9&b HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(raw.send(head).read().status()).isEqualTo(200);
            assertThat(b.last().uri()).isEqualTo("/search?q=%C3%A9&b");
        }
    }

    /**
     * Decoded paths may hold a CR or U+0085: PCRE's "." matches them (only LF ends a line), and
     * so must ours, or /admin/%0D would slip past /admin/.+ and its allowlist to "/".
     */
    @Test
    void aRegexPathSeesDecodedLineBreakCharactersAsPcreDoes() throws IOException {
        TestBackend b = gw.backend("b");
        gw.publish(table(allowing(regexRoute("/admin/.+", backend("b", b), RouteOptions.DEFAULTS)),
                regexRoute("/", backend("b", b), RouteOptions.DEFAULTS)));
        for (String target : List.of("/admin/x", "/admin/%0D", "/admin/%85", "/admin/%0D/config", "/admin/x%0D")) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read().status())
                        .as(target).isEqualTo(403);
            }
        }
        assertThat(b.seen()).isEmpty();
    }

    /** ingress-nginx's "Path Priority" example: regex locations by descending path length. */
    @Test
    void regexPathsAreTriedLongestFirstWhateverTheirOrderInTheTable() {
        TestBackend one = gw.backend("one");
        TestBackend two = gw.backend("two");
        TestBackend three = gw.backend("three");
        gw.publish(table(
                regexRoute("/foo/bar", backend("one", one), RouteOptions.DEFAULTS),
                regexRoute("/foo/bar/", backend("two", two), RouteOptions.DEFAULTS),
                regexRoute("/foo/bar/(.+)", backend("three", three), RouteOptions.DEFAULTS)));
        assertThat(gw.get("h", "/foo/bar/1").body()).isEqualTo("three");
        assertThat(gw.get("h", "/foo/bar/").body()).isEqualTo("two");
        assertThat(gw.get("h", "/foo/bar").body()).isEqualTo("one");
        assertThat(gw.get("h", "/Foo/BAR").body()).as("case-insensitive").isEqualTo("one");
        assertThat(gw.get("h", "/x/foo/bar").statusCode()).as("anchored at the start").isEqualTo(404);
    }

    @Test
    void aPathRegexOutOfBudgetGets500WhileOtherPathsOfTheHostStillRoute() throws IOException {
        // nginx answers 500 when a location regex fails (PCRE_ERROR_MATCHLIMIT), and closes: its own
        // 500 turns keep-alive off. The request must not fall through to the shorter regex "/".
        TestBackend evil = gw.backend("evil");
        TestBackend other = gw.backend("other");
        gw.publish(table(
                regexRoute("/(a+)+$", backend("evil", evil), RouteOptions.DEFAULTS),
                regexRoute("/", backend("other", other), RouteOptions.DEFAULTS)));
        try (RawHttp raw = new RawHttp(gw.port())) {
            // About 530 000 steps for Java's engine (quadratic here), over five times the budget
            RawHttp.Response r = raw.send("GET /" + "a".repeat(1024) + "! HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(gw.get("h", "/aaa").body()).isEqualTo("evil");
        assertThat(gw.get("h", "/other").body()).isEqualTo("other");
        assertThat(evil.seen()).hasSize(1);
        assertThat(other.seen()).hasSize(1);
    }

    // ---- helpers ----

    /** A port nothing listens on: connects are refused at once. */
    private static Endpoint deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Endpoint("127.0.0.1", s.getLocalPort());
        }
    }

    /** A listener whose accept queue is full, so SYNs are dropped (see ConnectTimeoutTest). */
    private Endpoint blackhole() throws IOException {
        ServerSocket hole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(hole);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), hole.getLocalPort());
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            sockets.add(s);
            try {
                s.connect(address, 200);
            } catch (SocketTimeoutException full) {
                return new Endpoint("127.0.0.1", hole.getLocalPort());
            }
        }
        throw new IllegalStateException("the accept queue never filled; cannot simulate a lost SYN here");
    }
}
