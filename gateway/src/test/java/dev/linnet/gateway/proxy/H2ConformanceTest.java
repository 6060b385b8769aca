package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.LogRecorder;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawH2Client;
import dev.linnet.gateway.testing.RawH2Client.Frame;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What h2spec checks, frame by frame through the real gateway to a recording backend (issue 14,
 * items 6–9): stream errors reset with their own code, malformed requests never reach the
 * backend, a stream id going backwards ends the connection, and idle or silent HTTP/2
 * connections are closed.
 */
class H2ConformanceTest {

    private static final String HOST = "h";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    private TestBackend backend;
    private final CountDownLatch uploadsHeld = new CountDownLatch(1);

    @BeforeEach
    void publish() {
        backend = gw.backend("b");
        backend.holdUploads(uploadsHeld); // a POST /upload gets no answer until the test is over
        gw.publish(table(route(HOST, "/", backend("b", backend))));
    }

    @AfterEach
    void release() {
        uploadsHeld.countDown();
    }

    private RawH2Client h2c() {
        return gw.closeLater(RawH2Client.connect(gw.port())).preface();
    }

    private static Http2Headers get(String path) {
        return headers("GET", HOST, path);
    }

    /** The RST_STREAM the stream got, skipping SETTINGS, WINDOW_UPDATE and other streams' frames. */
    private static Frame resetOf(RawH2Client client, int stream) {
        for (Frame f = client.read(); f != null; f = client.read()) {
            if (f.is(Http2FrameTypes.RST_STREAM) && f.stream() == stream) {
                return f;
            }
            assertThat(f.is(Http2FrameTypes.GO_AWAY)).as("GOAWAY instead of a stream error").isFalse();
        }
        throw new AssertionError("connection closed without RST_STREAM on stream " + stream);
    }

    /** The final HEADERS of the stream's response (its :status), after its DATA, if any. */
    private static int statusOf(RawH2Client client, int stream) {
        int status = 0;
        for (Frame f = client.read(); f != null; f = client.read()) {
            if (f.stream() == stream && f.is(Http2FrameTypes.HEADERS)) {
                status = 200; // the backend's answer; the exact code is H2cTest's business
            }
            if (f.stream() == stream && f.endStream()) {
                return status;
            }
            assertThat(f.is(Http2FrameTypes.RST_STREAM) && f.stream() == stream).as("stream %d reset", stream).isFalse();
        }
        throw new AssertionError("connection closed before stream " + stream + " ended");
    }

    private static byte[] windowUpdate(int increment) {
        return ByteBuffer.allocate(4).putInt(increment).array();
    }

    // Item 6: the codec's error code, not CANCEL (or nothing at all once the request had ended).

    @Test
    void dataAfterEndStreamResetsTheStreamWithStreamClosed() {
        RawH2Client client = h2c();
        // The backend holds /upload: the stream stays half-closed (remote) while the DATA arrives.
        client.headers(1, headers("POST", HOST, "/upload"), true).data(1, new byte[] {1}, true);
        assertThat(resetOf(client, 1).errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
    }

    @Test
    void secondHeadersAfterEndStreamResetsTheStreamWithStreamClosed() {
        RawH2Client client = h2c();
        client.headers(1, get("/"), true).headers(1, get("/"), true);
        assertThat(resetOf(client, 1).errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
    }

    @Test
    void aStreamWindowOverflowResetsTheStreamWithFlowControlError() {
        RawH2Client client = h2c();
        client.headers(1, headers("POST", HOST, "/upload"), false)
                .frame(Http2FrameTypes.WINDOW_UPDATE, 0, 1, windowUpdate(Integer.MAX_VALUE))
                .frame(Http2FrameTypes.WINDOW_UPDATE, 0, 1, windowUpdate(Integer.MAX_VALUE));
        assertThat(resetOf(client, 1).errorCode()).isEqualTo(Http2Error.FLOW_CONTROL_ERROR.code());
    }

    // Item 7: malformed requests (RFC 9113 §8.1.1) are stream errors PROTOCOL_ERROR; the connection serves on.

    @Test
    void malformedRequestsAreResetWithProtocolErrorAndNeverReachTheBackend() {
        RawH2Client client = h2c();
        Http2Headers[] malformed = {
            new DefaultHttp2Headers().scheme("http").authority(HOST).path("/no-method"),
            new DefaultHttp2Headers().method("GET").authority(HOST).path("/no-scheme"),
            new DefaultHttp2Headers().method("GET").scheme("http").authority(HOST),
            get("/connection-specific").add("connection", "keep-alive"),
            get("/te").add("te", "gzip"),
            new DefaultHttp2Headers(false).add(get("/unknown-pseudo")).add(":unknown", "x"),
        };
        int stream = 1;
        for (Http2Headers h : malformed) {
            client.headers(stream, h, true);
            assertThat(resetOf(client, stream).errorCode()).as(h.toString()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            stream += 2;
        }
        client.headers(stream, get("/ok"), true);
        assertThat(statusOf(client, stream)).isEqualTo(200);
        assertThat(backend.seen()).extracting(TestBackend.Seen::uri).containsExactly("/ok");
    }

    /** nginx's ngx_http_v2_parse_method takes A-Z, _ and - only: 400, as for HTTP/1.1's decoder. */
    @Test
    void aMethodNginxRefusesGets400AndNeverReachesTheBackend() {
        try (H2Client client = H2Client.connect(gw.port())) {
            assertThat(client.send(headers("get", HOST, "/lower")).status()).isEqualTo(400);
            assertThat(client.send(headers("M-SEARCH", HOST, "/ok")).status()).as("- is a method character")
                    .isEqualTo(200);
        }
        assertThat(backend.seen()).extracting(TestBackend.Seen::uri).containsExactly("/ok");
    }

    @Test
    void contentLengthThatTheDataContradictsIsAProtocolError() {
        RawH2Client client = h2c();
        client.headers(1, headers("POST", HOST, "/upload").add("content-length", "10"), false)
                .data(1, "abc".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(resetOf(client, 1).errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        client.headers(3, headers("POST", HOST, "/").add("content-length", "1"), false)
                .data(3, "ab".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(resetOf(client, 3).errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    }

    /** Before: a request without :method stayed open for 75 s, and 128 of them filled the connection. */
    @Test
    void requestsWithoutMethodDoNotUseUpTheConnectionsStreams() {
        RawH2Client client = h2c();
        Http2Headers noMethod = new DefaultHttp2Headers().scheme("http").authority(HOST).path("/");
        int stream = 1;
        for (int i = 0; i < Http2Pipeline.MAX_CONCURRENT_STREAMS + 10; i++, stream += 2) {
            client.headers(stream, noMethod, false);
            assertThat(resetOf(client, stream).errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        }
        client.headers(stream, get("/after"), true);
        assertThat(statusOf(client, stream)).isEqualTo(200);
    }

    // Item 8: a stream id that goes backwards, or is reused, ends the connection (RFC 9113 §5.1.1).

    @Test
    void aLowerStreamIdIsAConnectionErrorLoggedOnOneLine() {
        try (LogRecorder logs = LogRecorder.root()) {
            RawH2Client client = h2c();
            client.headers(5, get("/five"), true);
            assertThat(statusOf(client, 5)).isEqualTo(200);
            client.headers(3, get("/three"), true);
            Frame goAway = client.awaitClose();
            assertThat(goAway).as("GOAWAY before the close").isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            assertThat(backend.seen()).extracting(TestBackend.Seen::uri).containsExactly("/five");
            assertThat(logs.events()).as("no WARN, no stack trace for a client's malformed frame")
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null);
        }
    }

    /** Before: a WARN with a stack trace ("reached the tail of the pipeline") per malformed frame. */
    @Test
    void aMalformedFrameEndsTheConnectionWithOneLogLineAndNoStackTrace() {
        try (LogRecorder logs = LogRecorder.root()) {
            RawH2Client client = h2c();
            client.frame(Http2FrameTypes.PING, 0, 0, new byte[7]); // a PING is 8 octets
            Frame goAway = client.awaitClose();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.FRAME_SIZE_ERROR.code());
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .noneMatch(e -> e.getThrowableProxy() != null)
                    .filteredOn(e -> e.getLoggerName().equals(H2ConnectionErrors.class.getName()))
                    .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("FRAME_SIZE_ERROR"));
        }
    }

    @Test
    void headersOnAStreamThatEndedIsAConnectionError() {
        RawH2Client client = h2c();
        client.headers(1, get("/one"), true);
        assertThat(statusOf(client, 1)).isEqualTo(200);
        client.headers(1, get("/again"), true);
        assertThat(client.awaitClose()).as("GOAWAY before the close").isNotNull();
        assertThat(backend.seen()).hasSize(1);
    }

    // Item 9: timeouts of HTTP/2 connections.

    private void timeouts(UnaryOperator<GatewayConfig.Builder> change) {
        gw.configure(c -> change.apply(c.toBuilder()).build());
    }

    @Test
    void anIdleH2cConnectionGetsGoAwayAfterTheKeepAliveTimeout() {
        timeouts(b -> b.idleTimeout(Duration.ofMillis(500)));
        RawH2Client client = h2c();
        client.headers(1, get("/"), true);
        assertThat(statusOf(client, 1)).isEqualTo(200);
        long start = System.nanoTime();
        Frame goAway = client.awaitClose();
        assertThat(goAway).isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
    }

    @Test
    void aConnectionWithAnOpenStreamIsNotIdle() {
        timeouts(b -> b.idleTimeout(Duration.ofMillis(300)));
        RawH2Client client = h2c();
        client.headers(1, headers("POST", HOST, "/upload"), true); // held by the backend: open
        assertThat(client.framesWithin(Duration.ofMillis(1500))).as("no GOAWAY while the stream is open")
                .doesNotContainNull().noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
    }

    @Test
    void aTlsClientThatNeverSendsThePrefaceIsClosedAfterTheClientHeaderTimeout() {
        timeouts(b -> b.clientHeaderTimeout(Duration.ofMillis(500)));
        RawH2Client client = gw.closeLater(RawH2Client.connectTls(gw.gateway().httpsPort()));
        client.soTimeout(10_000);
        long start = System.nanoTime();
        client.awaitClose(); // the server's SETTINGS, maybe a GOAWAY, then the end
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aConnectionThatOpensNoStreamIsClosedAfterTheClientHeaderTimeoutNotTheKeepAlive() {
        timeouts(b -> b.clientHeaderTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofMillis(100)));
        RawH2Client client = h2c();
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) { // frames that are no request neither keep it nor end it early
            client.frame(Http2FrameTypes.PING, 0, 0, new byte[8]);
        }
        assertThat(client.awaitClose()).as("GOAWAY before the close").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(10));
    }

    @Test
    void anIdleTlsConnectionGetsGoAwayAfterTheKeepAliveTimeout() {
        timeouts(b -> b.idleTimeout(Duration.ofMillis(500)));
        RawH2Client client = gw.closeLater(RawH2Client.connectTls(gw.gateway().httpsPort())).preface();
        client.headers(1, get("/"), true);
        assertThat(statusOf(client, 1)).isEqualTo(200);
        Frame goAway = client.awaitClose();
        assertThat(goAway).isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
    }
}
