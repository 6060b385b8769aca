package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.policy.ResponsePolicy;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.LogLines;
import dev.linnet.gateway.testing.RawBackend;
import io.netty.handler.codec.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The response pass-through (UpstreamCodec) end to end, with real sockets: which responses take
 * it, that Netty's path takes the others on the same connections, and that keep-alive,
 * pipelining, back-pressure and a cut upstream behave as before.
 *
 * <p>How a test tells the paths apart: the backend sends {@code X-Marker:raw} (no space after
 * the colon). The pass-through copies the field's bytes as they came; Netty's path decodes and
 * re-encodes it as {@code X-Marker: raw}.
 */
class ResponsePassThroughTest {

    private static final String PASSED = "\r\nX-Marker:raw\r\n";
    private static final String ENCODED = "\r\nX-Marker: raw\r\n";
    private static final long BIG = 64L * 1024 * 1024;
    /** Socket buffers on loopback autotune to a few MiB each; four of them sit between the ends. */
    private static final long STALL_BOUND = 48L * 1024 * 1024;

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final LogLines log = new LogLines();
    private final AtomicInteger upstreamConnections = new AtomicInteger();
    private final AtomicInteger upstreamClosed = new AtomicInteger(); // by the gateway (or after /cut)
    private final AtomicLong bigWritten = new AtomicLong();
    private RawBackend pod;

    @BeforeEach
    void setUp() throws IOException {
        gw.accessLog(AccessLog.create(log, 1024));
        pod = gw.closeLater(new RawBackend((s, index) -> {
            upstreamConnections.incrementAndGet();
            try {
                while (true) {
                    String head = RawBackend.readHead(s.getInputStream());
                    String[] line = head.substring(0, head.indexOf('\r')).split(" ");
                    if (!answer(s, line[0], line[1])) {
                        return;
                    }
                }
            } finally {
                upstreamClosed.incrementAndGet();
            }
        }));
    }

    /** @return false when the connection is to close */
    private boolean answer(Socket s, String method, String path) throws IOException {
        boolean head = method.equals("HEAD");
        switch (path) {
            case "/pass" -> RawBackend.write(s, "HTTP/1.1 200 OK\r\nServer: pod/1.0\r\nConnection: keep-alive\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Marker:raw\r\nContent-Length: 5\r\n\r\n" + (head ? "" : "hello"));
            case "/chunked" -> RawBackend.write(s, "HTTP/1.1 200 OK\r\nX-Marker:raw\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + (head ? "" : "5\r\nhello\r\n0\r\n\r\n"));
            case "/empty" -> RawBackend.write(s, "HTTP/1.1 204 No Content\r\nX-Marker:raw\r\n\r\n");
            case "/cut" -> {
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nX-Marker:raw\r\nContent-Length: 100\r\n\r\n0123456789");
                return false;
            }
            case "/big" -> {
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nX-Marker:raw\r\nContent-Length: " + BIG + "\r\n\r\n");
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < BIG; sent += chunk.length) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = pattern(sent + i);
                    }
                    out.write(chunk);
                    bigWritten.addAndGet(chunk.length);
                }
                out.flush();
            }
            default -> RawBackend.write(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
        return true;
    }

    private static byte pattern(long i) {
        return (byte) ('a' + i % 26);
    }

    @Test
    void plainResponsesPassThroughWithNettysPathBetweenThemOnTheSameConnections() throws IOException {
        gw.publish(table(route("h", "/", backend("pods", List.of(pod.endpoint())))));
        try (Client c = new Client(gw.port())) {
            String[][] exchanges = {
                {"GET", "/pass", PASSED, "hello"},
                {"GET", "/chunked", ENCODED, "hello"}, // chunked: Netty's path
                {"GET", "/pass", PASSED, "hello"},
                {"HEAD", "/chunked", ENCODED, ""},
                {"GET", "/pass", PASSED, "hello"},
                {"GET", "/empty", ENCODED, ""}, // 204
                {"HEAD", "/pass", ENCODED, ""}, // HEAD: never passed through
                {"GET", "/pass", PASSED, "hello"},
            };
            for (String[] e : exchanges) {
                c.send(e[0] + " " + e[1] + " HTTP/1.1\r\nHost: h\r\n\r\n");
                Response r = c.read(e[0]);
                assertThat(r.head).as("%s %s", e[0], e[1]).contains(e[2]);
                assertThat(r.body).as("%s %s", e[0], e[1]).isEqualTo(e[3]);
                // hop-by-hop fields cut, the backend's Server removed (server-tokens false), either way
                assertThat(r.head.toLowerCase(Locale.ROOT)).as("%s %s", e[0], e[1])
                        .doesNotContain("\r\nserver:", "\r\nconnection:", "\r\nkeep-alive:");
            }
        }
        assertThat(upstreamConnections.get()).as("one upstream connection, kept alive throughout").isEqualTo(1);
        List<String> lines = log.await(8);
        assertThat(lines.get(0)).as("status, body bytes, then upstream length and status, as on Netty's path")
                .contains("\"GET /pass HTTP/1.1\" 200 5 ").containsPattern(" 5 \\d+\\.\\d{3} 200 [0-9a-f]{32}$");
        assertThat(lines.get(1)).contains("\"GET /chunked HTTP/1.1\" 200 5 ")
                .containsPattern(" 5 \\d+\\.\\d{3} 200 [0-9a-f]{32}$");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhateverPathEachTakes() throws IOException {
        gw.publish(table(route("h", "/", backend("pods", List.of(pod.endpoint())))));
        try (Client c = new Client(gw.port())) {
            // A HEAD answered chunked behind a passed response: if either side's method queue were
            // off by one, the HEAD's answer would get a body (upstream) or a chunk end (client).
            c.send("GET /pass HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "HEAD /chunked HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /pass HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /chunked HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /pass HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(c.read("GET").head).contains(PASSED);
            Response headAnswer = c.read("HEAD");
            assertThat(headAnswer.head).contains(ENCODED);
            assertThat(c.read("GET").head).contains(PASSED);
            assertThat(c.read("GET").body).isEqualTo("hello");
            Response last = c.read("GET");
            assertThat(last.head).contains(PASSED);
            assertThat(last.body).isEqualTo("hello");
        }
        assertThat(upstreamConnections.get()).isEqualTo(1);
    }

    @Test
    void aRouteWithAResponsePolicyKeepsNettysPath() throws IOException {
        gw.publish(table(withPolicies(route("h", "/", backend("pods", List.of(pod.endpoint()))), new Stamp())));
        try (Client c = new Client(gw.port())) {
            c.send("GET /pass HTTP/1.1\r\nHost: h\r\n\r\n");
            Response r = c.read("GET");
            assertThat(r.head).contains(ENCODED, "\r\nx-stamp: response\r\n");
            assertThat(r.body).isEqualTo("hello");
        }
    }

    @Test
    void aClientsConnectionCloseIsAnsweredAndTheUpstreamConnectionStaysOpen() throws IOException {
        gw.publish(table(route("h", "/", backend("pods", List.of(pod.endpoint())))));
        try (Client c = new Client(gw.port())) {
            c.send("GET /pass HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            Response r = c.read("GET");
            assertThat(r.head).contains(PASSED, "\r\nconnection: close\r\n");
            assertThat(r.body).isEqualTo("hello");
            assertThat(c.closedByPeer()).isTrue();
        }
        // The upstream's keep-alive is its own: its connection goes back to the pool, open.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> upstreamClosed.get() == 0);
        assertThat(upstreamConnections.get()).isEqualTo(1);
    }

    @Test
    void aLargeBodyStreamsWithBackPressureAndTheConnectionsStayAlive() throws IOException {
        gw.publish(table(route("h", "/", backend("pods", List.of(pod.endpoint())))));
        try (Client c = new Client(gw.port())) {
            c.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
            String head = c.head();
            assertThat(head).contains(PASSED, "Content-Length: " + BIG);
            byte[] buf = new byte[64 * 1024];
            long offset = 0;
            while (offset < 1024 * 1024) { // 1 MiB, then the client stops reading: the backend must stall
                offset += check(buf, c.in.read(buf), offset);
            }
            long readSoFar = offset;
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> bigWritten.get() < readSoFar + STALL_BOUND);
            while (offset < BIG) {
                offset += check(buf, c.in.read(buf, 0, (int) Math.min(buf.length, BIG - offset)), offset);
            }
            c.send("GET /pass HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(c.read("GET").body).isEqualTo("hello");
        }
        assertThat(upstreamConnections.get()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatClosesMidBodyCutsTheClientConnection() throws IOException {
        gw.publish(table(route("h", "/", backend("pods", List.of(pod.endpoint())))));
        try (Client c = new Client(gw.port())) {
            c.send("GET /cut HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(c.head()).contains(PASSED, "Content-Length: 100");
            assertThat(new String(c.in.readAllBytes(), StandardCharsets.ISO_8859_1))
                    .as("what came, then the cut").isEqualTo("0123456789");
        }
        try (Client c = new Client(gw.port())) { // the gateway serves on
            c.send("GET /pass HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(c.read("GET").body).isEqualTo("hello");
        }
    }

    private static int check(byte[] buf, int n, long offset) {
        if (n < 0) {
            throw new AssertionError("closed at byte " + offset);
        }
        for (int i = 0; i < n; i++) {
            if (buf[i] != pattern(offset + i)) {
                throw new AssertionError("byte " + (offset + i) + " differs");
            }
        }
        return n;
    }

    /** A response policy: its route's responses must be edited as HttpResponse objects. */
    private record Stamp() implements ResponsePolicy {
        @Override
        public Step step() {
            return Step.EXTERNAL_AUTH;
        }

        @Override
        public void onResponse(RequestContext request, HttpResponse response) {
            response.headers().set("x-stamp", "response");
        }
    }

    private record Response(String head, String body) {
    }

    /** A client that sees the head's bytes as sent. */
    private static final class Client implements AutoCloseable {

        private final Socket socket;
        final InputStream in;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
        }

        void send(String request) throws IOException {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        String head() throws IOException {
            return RawBackend.readHead(in);
        }

        Response read(String method) throws IOException {
            String head = head();
            String lower = head.toLowerCase(Locale.ROOT);
            if (method.equals("HEAD") || head.startsWith("HTTP/1.1 204")) {
                return new Response(head, "");
            }
            if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int size; (size = Integer.parseInt(line(), 16)) > 0; ) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
                return new Response(head, body.toString(StandardCharsets.ISO_8859_1));
            }
            int at = lower.indexOf("\r\ncontent-length:") + "\r\ncontent-length:".length();
            int length = Integer.parseInt(lower.substring(at, lower.indexOf('\r', at)).trim());
            return new Response(head, new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        }

        private String line() throws IOException {
            StringBuilder out = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed mid-line");
                }
                if (c != '\r') {
                    out.append((char) c);
                }
            }
            return out.toString();
        }

        boolean closedByPeer() {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
