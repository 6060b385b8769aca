package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-request-buffering} (annotations-spec.md §6, catalogue §9.6): on (the default) the
 * whole body is read before an upstream connection is opened and goes with a Content-Length;
 * off streams it. The backend records when its connection came and how the body was framed.
 */
class RequestBufferingTest {

    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    /** The backend's view: connections accepted, and each request as head + body text. */
    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<String> received = new ConcurrentLinkedQueue<>();

    /** Reads one request (Content-Length or chunked body, kept as sent), answers 200 "ok". */
    private RawBackend recording() throws IOException {
        return gw.closeLater(new RawBackend((s, i) -> {
            connections.incrementAndGet();
            received.add(readRequest(s.getInputStream()));
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }));
    }

    private static String readRequest(InputStream in) throws IOException {
        String head = RawBackend.readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("transfer-encoding: chunked")) {
            StringBuilder body = new StringBuilder();
            while (!body.toString().endsWith("0\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("end of stream");
                }
                body.append((char) c);
            }
            return head + body;
        }
        int at = lower.indexOf("content-length: ");
        int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 16, lower.indexOf('\r', at)));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private void publish(Backend backend, boolean requestBuffering, long maxBodySize) {
        RouteOptions options = new RouteOptions(BackendProtocol.HTTP, null, null, null, maxBodySize, -1, null, null,
                true, requestBuffering);
        gw.publish(table(new Route("default", "main", "h", PathMatch.prefix("/"), backend, null, options)));
    }

    @Test
    void bufferedByDefaultNoUpstreamConnectionUntilTheBodyIsComplete() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), RouteOptions.DEFAULTS.requestBuffering(), -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello");
            await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> connections.get() == 0);
            RawHttp.Response response = client.send("world").read();
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(received.peek().toLowerCase(Locale.ROOT)).contains("content-length: 10")
                .endsWith("\r\n\r\nhelloworld");
    }

    @Test
    void aChunkedBodyIsBufferedAndSentWithContentLength() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), true, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> connections.get() == 0);
            assertThat(client.send("6\r\n world\r\n0\r\n\r\n").read().status()).isEqualTo(200);
        }
        String request = received.peek();
        assertThat(request.toLowerCase(Locale.ROOT)).contains("content-length: 11").doesNotContain("transfer-encoding");
        assertThat(request).endsWith("\r\n\r\nhello world");
    }

    /** An HTTP/2 request body (DATA frames, no content-length) goes to an HTTP/1.1 pod whole, with a Content-Length. */
    @Test
    void anHttp2BodyIsBufferedToo() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), true, -1);
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        assertThat(h2.send(H2Client.headers("POST", "h", "/up"), "hello over h2").status()).isEqualTo(200);
        assertThat(received.peek().toLowerCase(Locale.ROOT)).contains("content-length: 13")
                .doesNotContain("transfer-encoding").endsWith("\r\n\r\nhello over h2");
    }

    /** Many tiny chunks (copied into a few buffers, not one component each) arrive as one body. */
    @Test
    void manyOneByteChunksArriveAsOneBody() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), true, -1);
        int n = 40_000; // past the first 16 KiB buffer
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1\r\nx\r\n".repeat(n) + "0\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(received.peek().toLowerCase(Locale.ROOT)).contains("content-length: " + n)
                .endsWith("\r\n\r\n" + "x".repeat(n));
    }

    /** U2: {@code proxy-request-buffering: off}: the connection opens with the head, chunked stays chunked. */
    @Test
    void u2OffStreamsTheBody() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), false, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() == 1);
            assertThat(client.send("0\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(received.peek().toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked")
                .endsWith("5\r\nhello\r\n0\r\n\r\n");
    }

    /**
     * A buffered body makes a retry possible: the first pod reads the whole request and dies
     * before answering (nginx's {@code error}); the next gets the same body. Streamed, the body
     * is gone with the first attempt and the client gets 502.
     */
    @Test
    void aRetryResendsTheBufferedBody() throws IOException {
        RawBackend dying = gw.closeLater(new RawBackend((s, i) -> {
            readRequest(s.getInputStream());
            s.setSoLinger(true, 0); // the close is a reset
        }));
        RawBackend healthy = recording();
        Backend svc = backend("svc", List.of(dying.endpoint(), healthy.endpoint()));
        publish(svc, true, -1);
        try (RawHttp client = new RawHttp(gw.port())) { // round robin starts at the dying pod
            assertThat(client.send("PUT /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody").read().status())
                    .isEqualTo(200);
        }
        assertThat(received.peek()).endsWith("\r\n\r\nbody");

        publish(backend("svc2", List.of(dying.endpoint(), healthy.endpoint())), false, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("PUT /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody").read().status())
                    .as("streamed: the body is spent").isEqualTo(502);
        }
    }

    /** proxy-body-size passed while buffering: 413, and no pod ever saw the request. */
    @Test
    void tooLargeWhileBufferingIs413WithoutAnUpstreamConnection() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), true, 8);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n");
            assertThat(client.read().status()).isEqualTo(413);
        }
        assertThat(connections.get()).isZero();
    }

    /**
     * {@code proxy-buffer-size} (4k by default in nginx, a bigger head is its 502): Linnet reads
     * upstream response heads up to 64k, a documented leniency; beyond, 502 as nginx.
     */
    @Test
    void responseHeadsUpTo64kPassAndLargerOnesAre502() throws IOException {
        RawBackend big = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            String filler = "x".repeat(i == 1 ? 32 * 1024 : 70 * 1024);
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nX-Big: " + filler + "\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\nok");
        }));
        publish(backend("svc", List.of(big.endpoint())), true, -1);
        assertThat(gw.get("h", "/").statusCode()).as("32k: above nginx's default 4k").isEqualTo(200);
        assertThat(gw.get("h", "/").statusCode()).as("70k").isEqualTo(502);
    }

    /** The client leaves mid-body: nothing reaches a pod, the buffer is released (paranoid leak detection). */
    @Test
    void aClientGoneMidBodyOpensNothingAndLeaksNothing() throws IOException {
        publish(backend("svc", List.of(recording().endpoint())), true, -1);
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.getOutputStream().write("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(new byte[50_000]);
            s.getOutputStream().flush();
        }
        try (RawHttp client = new RawHttp(gw.port())) { // the gateway serves on, and this request is the first upstream
            assertThat(client.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi").read().status())
                    .isEqualTo(200);
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(received.peek()).endsWith("\r\n\r\nhi");
        System.gc(); // gives the leak detector its chance to report a lost buffer
    }
}
