package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.streamingBodies;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.upstream.PassiveHealth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15: a retry never goes back to the endpoint that just failed while another is untried;
 * an endpoint that keeps failing is skipped for a while (nginx's max_fails / fail_timeout); a
 * read timeout before any response byte is retried, as ingress-nginx's default
 * {@code proxy-next-upstream: error timeout} does. One healthy pod and one faulty one, on loopback.
 */
class FaultToleranceTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(400);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    // ---- the tried set ----

    @Test
    void aRetryNeverGoesBackToTheEndpointThatJustFailed() throws Exception {
        // Two tries, no passive check: only the tried set can save request A.
        //
        //   A ─▶ cursor 0: resetting pod, held ─┐
        //   B ─▶ cursor 1: healthy pod, 200     │  (B moves the shared cursor on)
        //   A's pod resets ◀────────────────────┘ ─▶ retry: cursor 2 is the resetting pod again,
        //                                            tried already: the healthy one instead
        gw.configure(c -> c.withMaxTries(2).toBuilder().passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        CountDownLatch aArrived = new CountDownLatch(1);
        RawBackend resetting = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            if (i == 1) {
                aArrived.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> healthy.seen().size() == 1);
            }
            s.setSoLinger(true, 0); // the close is a reset
        }));
        gw.publish(table(route(backend("svc", List.of(resetting.endpoint(), healthy.endpoint())), null)));
        CompletableFuture<HttpResponse<String>> a = gw.client().sendAsync(gw.request("h", "/a").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(aArrived.await(10, TimeUnit.SECONDS)).isTrue();
        try (RawHttp b = new RawHttp(gw.port())) { // a connection of its own
            assertThat(b.send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        HttpResponse<String> response = a.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("healthy");
        assertThat(healthy.seen()).extracting(TestBackend.Seen::uri).containsExactly("/b", "/a");
    }

    // ---- the passive health check ----

    @Test
    void anEndpointThatFailedIsSkippedForTheFailTimeoutAndShownInDebugRoutes() throws Exception {
        // One try per request and one event loop: without the check every other request would
        // go to the dead address and get 502.
        gw.configure(c -> c.withMaxTries(1).withIoThreads(1).toBuilder()
                .passiveHealth(new PassiveHealth(1, Duration.ofMinutes(5))).build());
        TestBackend healthy = gw.backend("healthy");
        Endpoint dead = new Endpoint("127.0.0.1", closedPort());
        gw.publish(table(route(backend("svc", List.of(dead, healthy.endpoint())), null)));
        assertThat(gw.get("h", "/").statusCode()).as("the first request finds out").isEqualTo(502);
        for (int i = 0; i < 10; i++) {
            assertThat(gw.get("h", "/").statusCode()).isEqualTo(200);
        }
        assertThat(healthy.seen()).hasSize(10);

        AdminServer admin = gw.closeLater(AdminServer.start("127.0.0.1", 0, gw.routes(), gw.metrics()));
        String routes = gw.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.port() + "/debug/routes")).build()).body();
        assertThat(routes).contains("\"skippedEndpoints\"").contains("\"" + dead + "\"")
                .doesNotContain("\"" + healthy.endpoint() + "\" : {");
        String metrics = gw.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build()).body();
        assertThat(metrics).contains("linnet_upstream_endpoint_ejections_total 1.0");
    }

    @Test
    void aBackendWhoseEveryEndpointIsSkippedStillGetsRequests() throws Exception {
        gw.configure(c -> c.withMaxTries(1).withIoThreads(1).toBuilder()
                .passiveHealth(new PassiveHealth(1, Duration.ofMinutes(5))).build());
        RawBackend flaky = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            if (i == 1) {
                s.setSoLinger(true, 0);
                return;
            }
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }));
        gw.publish(table(route(backend("svc", List.of(flaky.endpoint())), null)));
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(502);
        assertThat(gw.get("h", "/").statusCode()).as("skipped, but the only one").isEqualTo(200);
    }

    @Test
    void aListedStatusPassedOnToTheClientIsAnAnswerNotAFailure() throws Exception {
        // nginx counts a failure only when it goes on to the next endpoint: a POST's 500 that it
        // passes on (non_idempotent not listed) frees the peer as a success.
        gw.configure(c -> c.withIoThreads(1).toBuilder()
                .passiveHealth(new PassiveHealth(1, Duration.ofMinutes(5))).build());
        TestBackend healthy = gw.backend("healthy");
        RawBackend erring = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, i == 1
                    ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nerring");
        }));
        gw.publish(table(route(backend("svc", List.of(erring.endpoint(), healthy.endpoint())),
                new NextUpstream(NextUpstream.ERROR | NextUpstream.TIMEOUT | NextUpstream.HTTP_500, Duration.ZERO))));
        try (RawHttp raw = new RawHttp(gw.port())) { // round robin starts at the erring pod
            assertThat(raw.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").read().status())
                    .as("a POST is not retried: the 500 is passed on").isEqualTo(500);
        }
        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            bodies.add(gw.get("h", "/").body());
        }
        assertThat(bodies).as("the erring pod is not skipped").containsExactly("healthy", "erring");
        assertThat(gw.metrics().ejectedEndpoints()).isEmpty();
    }

    // ---- timeouts: proxy-next-upstream "timeout" ----

    @Test
    void aHungPodsReadTimeoutIsRetriedOnTheNextEndpoint() throws Exception {
        gw.configure(c -> c.withTimeouts(c.connectTimeout(), READ_TIMEOUT).toBuilder()
                .passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        try (ServerSocket hung = hungPod()) {
            gw.publish(table(route(backend("svc", List.of(endpoint(hung), healthy.endpoint())), null)));
            for (int i = 0; i < 4; i++) { // every other request meets the hung pod first
                HttpResponse<String> r = gw.get("h", "/");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("healthy");
            }
        }
    }

    @Test
    void aReadTimeoutIsNotRetriedForAPostNorWhenTheRouteSaysOff() throws Exception {
        gw.configure(c -> c.withTimeouts(c.connectTimeout(), READ_TIMEOUT).toBuilder()
                .passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        try (ServerSocket hung = hungPod()) {
            Backend posts = backend("posts", List.of(endpoint(hung), healthy.endpoint()));
            Backend off = backend("off", List.of(endpoint(hung), healthy.endpoint()));
            Backend anyMethod = backend("any", List.of(endpoint(hung), healthy.endpoint()));
            gw.publish(table(
                    route("h", "/", posts, null),
                    route("off", "/", off, new NextUpstream(0, Duration.ZERO)),
                    route("any", "/", anyMethod, new NextUpstream(NextUpstream.TIMEOUT | NextUpstream.NON_IDEMPOTENT,
                            Duration.ZERO))));
            // Round robin starts at the hung pod: each first request meets it.
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").read().status())
                        .as("POST is not idempotent").isEqualTo(504);
            }
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: off\r\n\r\n").read().status())
                        .as("proxy-next-upstream: off").isEqualTo(504);
            }
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("POST / HTTP/1.1\r\nHost: any\r\nContent-Length: 0\r\n\r\n").read().status())
                        .as("non_idempotent").isEqualTo(200);
            }
        }
    }

    @Test
    void proxyNextUpstreamTimeoutStopsRetriesThatWouldStartTooLate() throws Exception {
        gw.configure(c -> c.withTimeouts(c.connectTimeout(), READ_TIMEOUT).toBuilder()
                .passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        try (ServerSocket hung = hungPod()) {
            gw.publish(table(route(backend("svc", List.of(endpoint(hung), healthy.endpoint())),
                    new NextUpstream(NextUpstream.ERROR | NextUpstream.TIMEOUT, READ_TIMEOUT.dividedBy(2)))));
            assertThat(gw.get("h", "/").statusCode()).isEqualTo(504);
        }
    }

    // ---- statuses: proxy-next-upstream http_503 & co ----

    @Test
    void aListedStatusIsRetriedAndTheLastAttemptsAnswerReachesTheClient() throws Exception {
        gw.configure(c -> c.toBuilder().passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        RawBackend unavailable = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
            s.getInputStream().read(); // until the gateway lets go
        }));
        NextUpstream http503 = new NextUpstream(NextUpstream.ERROR | NextUpstream.HTTP_503, Duration.ZERO);
        gw.publish(table(
                route("h", "/", backend("svc", List.of(unavailable.endpoint(), healthy.endpoint())), http503),
                route("plain", "/", backend("plain", List.of(unavailable.endpoint(), healthy.endpoint())), null),
                route("only", "/", backend("only", List.of(unavailable.endpoint())), http503)));
        for (int i = 0; i < 4; i++) {
            assertThat(gw.get("h", "/").body()).isEqualTo("healthy");
        }
        assertThat(gw.get("plain", "/").statusCode()).as("not listed: passed on").isEqualTo(503);
        HttpResponse<String> last = gw.get("only", "/");
        assertThat(last.statusCode()).isEqualTo(503);
        assertThat(last.body()).as("the last attempt's own answer").isEqualTo("busy");
    }

    @Test
    void aListedStatusIsNeverRetriedOnceABodyByteWentUpstream() throws Exception {
        // proxy-request-buffering off: the body is streamed, so the next pod could only get the head
        // again (buffered, it is re-sent: RequestBufferingTest).
        gw.configure(c -> c.toBuilder().passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        RawBackend unavailable = gw.closeLater(new RawBackend((s, i) -> {
            var in = s.getInputStream();
            RawBackend.readHead(in);
            in.readNBytes(5); // the whole body went upstream before the answer
            RawBackend.write(s, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
            in.read(); // until the gateway lets go
        }));
        gw.publish(table(streamingBodies(route(backend("svc", List.of(unavailable.endpoint(),
                healthy.endpoint())), new NextUpstream(NextUpstream.ERROR | NextUpstream.HTTP_503, Duration.ZERO)))));
        try (RawHttp raw = new RawHttp(gw.port())) { // round robin starts at the unavailable pod
            var r = raw.send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").read();
            assertThat(r.status()).as("PUT is idempotent, but its body is gone").isEqualTo(503);
        }
        assertThat(healthy.seen()).isEmpty();
    }

    @Test
    void anInvalidResponseIsRetriedOnlyWhenInvalidHeaderIsListed() throws Exception {
        gw.configure(c -> c.toBuilder().passiveHealth(PassiveHealth.OFF).build());
        TestBackend healthy = gw.backend("healthy");
        RawBackend garbage = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HELLO WORLD\r\n\r\n");
            s.getInputStream().read();
        }));
        gw.publish(table(
                route("h", "/", backend("svc", List.of(garbage.endpoint(), healthy.endpoint())),
                        new NextUpstream(NextUpstream.ERROR | NextUpstream.INVALID_HEADER, Duration.ZERO)),
                route("plain", "/", backend("plain", List.of(garbage.endpoint(), healthy.endpoint())), null)));
        for (int i = 0; i < 2; i++) {
            assertThat(gw.get("h", "/").body()).isEqualTo("healthy");
        }
        // Round robin starts at the garbage pod: the default "error timeout" answers 502.
        assertThat(gw.get("plain", "/").statusCode()).isEqualTo(502);
    }

    private static Route route(Backend backend, NextUpstream next) {
        return route("h", "/", backend, next);
    }

    private static Route route(String host, String path, Backend backend, NextUpstream next) {
        return new Route("default", "main", host, PathMatch.prefix(path), backend, null, new RouteOptions(
                BackendProtocol.HTTP, null, null, null, -1, -1, null, next));
    }

    /** A pod that accepts (the kernel does, from the backlog) and never answers. */
    private static ServerSocket hungPod() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static Endpoint endpoint(ServerSocket s) {
        return new Endpoint("127.0.0.1", s.getLocalPort());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
