package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.streamingBodies;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Framing and connection corner cases on both sides of the gateway. */
class EdgeCasesTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    /** Buffered (the default): past the memory buffer into a temporary file, then sent with its length. */
    @Test
    void chunkedUploadOfUnknownLengthArrivesWholeWithItsLength() {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        StreamingTest.PatternStream body = new StreamingTest.PatternStream(3 * 1024 * 1024 + 7);
        HttpResponse<String> r = gw.send(gw.request("h", "/upload")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
        assertThat(r.body()).isEqualTo((3 * 1024 * 1024 + 7) + " " + body.crc.getValue());
        assertThat(up.last().header("Content-Length")).isEqualTo(String.valueOf(3 * 1024 * 1024 + 7));
        assertThat(up.last().header("Transfer-Encoding")).isNull();
    }

    /** {@code proxy-request-buffering: off}: chunked stays chunked. */
    @Test
    void chunkedUploadOfUnknownLengthStreamsThroughUnbuffered() {
        TestBackend up = gw.backend("up");
        gw.publish(table(streamingBodies(route("h", "/", backend("up", up)))));
        StreamingTest.PatternStream body = new StreamingTest.PatternStream(3 * 1024 * 1024 + 7);
        HttpResponse<String> r = gw.send(gw.request("h", "/upload")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
        assertThat(r.body()).isEqualTo((3 * 1024 * 1024 + 7) + " " + body.crc.getValue());
        assertThat(up.last().header("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void headResponseHasNoBodyAndKeepsTheConnection() throws IOException {
        gw.publish(table(route("h", "/", backend("up", gw.backend("up")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            // The HEAD answer announces the GET length but carries no body; if the gateway sent
            // one, the next response on this connection would start with it and not parse.
            RawHttp.Response head = raw.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").readHeadOnly();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("x-backend")).isEqualTo("up");
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("up");
        }
    }

    @Test
    void expectContinueIsAnsweredByTheGateway() throws IOException {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readHeadOnly().status()).isEqualTo(100);
            RawHttp.Response r = raw.send("hello").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("5 ");
        }
        assertThat(up.last().header("Expect")).isNull();
    }

    @Test
    void expectContinueGetsTheFinalStatusAloneWhenTheBodyWillNotBeRead() throws IOException {
        // nginx decides these before any body is read (header checks, then client_max_body_size in
        // the find-config phase) and sends the final status with no 100 Continue before it.
        gw.configure(c -> c.toBuilder().maxRequestBodySize(10).maxHeaders(5).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        String expect = "Expect: 100-continue\r\n";
        String[][] cases = {
            {"413", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n" + expect + "\r\n"},
            {"431", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n" + expect
                    + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"},
            {"400", "POST / HTTP/1.1\r\nHost: a/b\r\nContent-Length: 5\r\n" + expect + "\r\n"},
        };
        for (String[] c : cases) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response first = raw.send(c[1]).readHeadOnly();
                assertThat(first.status()).as("the first answer to a %s", c[0]).isEqualTo(Integer.parseInt(c[0]));
                assertThat(first.header("connection")).isEqualTo("close");
            }
        }
        assertThat(up.seen()).isEmpty();
    }

    @Test
    void expectContinueIsAnsweredBeforeABodyThatIsReadAndDropped() throws IOException {
        // A 404 keeps the connection, so the body is read first: the client must be told to send it.
        gw.publish(table(route("h", "/", backend("up", gw.backend("up")))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST / HTTP/1.1\r\nHost: elsewhere\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readHeadOnly().status()).isEqualTo(100);
            assertThat(raw.send("hello").read().status()).isEqualTo(404);
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("up");
        }
    }

    /**
     * nginx's own 403 / 503 (and redirects) go out without the 100: the waiting client then sends no
     * body, so the answer comes at once and the connection closes (only the proxied default
     * backend's 404 reads the body, above).
     */
    @Test
    void expectContinueGetsNo100BeforeA403OrA503() throws IOException {
        TestBackend up = gw.backend("up");
        gw.publish(table(Fixtures.withPolicies(route("h", "/closed", backend("up", up)),
                        new AccessList(SourceRanges.of(List.of()))),
                route("h", "/empty", backend("none", List.of()))));
        for (String[] c : new String[][] {{"403", "/closed"}, {"503", "/empty"}}) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                raw.send("POST " + c[1] + " HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
                RawHttp.Response r = raw.read();
                assertThat(r.status()).as(c[1]).isEqualTo(Integer.parseInt(c[0]));
                assertThat(r.header("connection")).isEqualTo("close");
                assertThat(raw.closedByPeer()).isTrue();
            }
        }
        assertThat(up.seen()).isEmpty();
    }

    @Test
    void closeDelimitedUpstreamBodyIsReframedAsChunked() throws IOException {
        try (RawBackend old = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        }))) {
            gw.publish(table(route("h", "/", backend("old", List.of(old.endpoint())))));
            HttpResponse<String> r = gw.get("h", "/");
            assertThat(r.body()).isEqualTo("until the end");
            assertThat(r.headers().firstValue("transfer-encoding")).contains("chunked");
            assertThat(gw.get("h", "/").body()).as("client connection still usable").isEqualTo("until the end");
        }
    }

    @Test
    void chunkedResponsesWithTrailersArrivingWholeKeepBodyTrailersAndFraming() throws IOException {
        // Head, body and trailers in one upstream write. The second response's body is only its
        // trailers: head and end reach the exchange together and go to the client as one message,
        // which must still be chunked with its trailers. The connection must stay usable after both.
        String[] bodies = {"5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n", "0\r\nX-Checksum: def\r\n\r\n"};
        try (RawBackend chunked = gw.closeLater(new RawBackend((s, i) -> {
            for (String body : bodies) {
                RawBackend.readHead(s.getInputStream());
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n" + body);
            }
        }))) {
            gw.publish(table(route("h", "/", backend("chunked", List.of(chunked.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                for (String body : bodies) {
                    raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                    RawHttp.Response head = raw.readHeadOnly();
                    assertThat(head.status()).isEqualTo(200);
                    assertThat(head.header("transfer-encoding")).isEqualTo("chunked");
                    assertThat(raw.readBytes(body.length())).isEqualToIgnoringCase(body);
                }
            }
        }
    }

    /**
     * nginx never forwards a request's trailers (it reads them and drops them), so nothing a
     * client puts there reaches the backend: not an ssl-client-verify it must not claim, not a
     * copy of an auth-response-header, not an X_Real_IP a CGI backend would read as X-Real-IP.
     */
    @Test
    void requestTrailersNeverReachTheBackend() throws IOException {
        java.util.concurrent.atomic.AtomicReference<String> body = new java.util.concurrent.atomic.AtomicReference<>();
        try (RawBackend up = gw.closeLater(new RawBackend((s, i) -> {
            // buffered (the default): the body comes whole, with a Content-Length, trailers read and dropped
            String head = RawBackend.readHead(s.getInputStream());
            body.set(head + new String(s.getInputStream().readNBytes(5), java.nio.charset.StandardCharsets.UTF_8));
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }))) {
            gw.publish(table(route("h", "/", backend("up", List.of(up.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                raw.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
                        + "ssl-client-verify: SUCCESS\r\nX-Auth-Request-User: admin\r\n\r\n");
                assertThat(raw.read().status()).isEqualTo(200);
            }
        }
        assertThat(body.get()).contains("hello").doesNotContainIgnoringCase("ssl-client").doesNotContain("admin");
    }

    @Test
    void anUpstreamHeaderWithABareCrOrNulIsABadGatewayNotRelayed() throws IOException {
        // A parser in front of the ingress may take a bare CR for a line end: the injected field
        // must never reach the client (nginx: "upstream sent invalid header", 502).
        try (RawBackend evil = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nX-B: n\u0000l\r\n"
                    + "Content-Length: 2\r\n\r\nok");
        }))) {
            gw.publish(table(route("h", "/", backend("evil", List.of(evil.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(502);
                assertThat(r.header("set-cookie")).isNull();
            }
        }
    }

    @Test
    void controlCharactersInTheRequestTargetAreRefusedBeforeTheUpstream() throws IOException {
        // A raw backend, which (unlike the JDK's server) would answer 200 to whatever arrives.
        java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
        try (RawBackend lenient = gw.closeLater(new RawBackend((s, i) -> {
            while (true) {
                RawBackend.readHead(s.getInputStream());
                reached.incrementAndGet();
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        }))) {
            gw.publish(table(route("h", "/", backend("lenient", List.of(lenient.endpoint())))));
            for (String target : new String[] {"/a\u0001b", "/a\u007fb", "/a\u0000b"}) {
                try (RawHttp raw = new RawHttp(gw.port())) {
                    RawHttp.Response r = raw.send(("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).read();
                    assertThat(r.status()).as(target.replace("\u0000", "<NUL>")).isEqualTo(400);
                }
            }
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET /a%01b HTTP/1.1\r\nHost: h\r\n\r\n").read().status())
                        .as("percent-encoded is fine").isEqualTo(200);
            }
            assertThat(reached).as("only the clean request reached the upstream").hasValue(1);
        }
    }

    @Test
    void upstreamDyingMidResponseCutsTheClient() throws IOException {
        try (RawBackend dying = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
            s.setSoLinger(true, 0); // reset
        }))) {
            gw.publish(table(route("h", "/", backend("dying", List.of(dying.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                assertThat(raw.readHeadOnly().status()).isEqualTo(200);
                assertThat(raw.readAll()).isEqualTo("only part");
            }
        }
    }

    @Test
    void idleUpstreamConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        gw.configure(c -> c.withIdleTimeout(Duration.ofMillis(200)));
        CountDownLatch closedByGateway = new CountDownLatch(1);
        try (RawBackend keepAlive = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            if (s.getInputStream().read() < 0) {
                closedByGateway.countDown();
            }
        }))) {
            gw.publish(table(route("h", "/", backend("ka", List.of(keepAlive.endpoint())))));
            assertThat(gw.get("h", "/").body()).isEqualTo("ok");
            assertThat(closedByGateway.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
