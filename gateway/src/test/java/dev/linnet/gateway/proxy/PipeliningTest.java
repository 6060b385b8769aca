package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/1.1 pipelining as nginx serves it: strictly in order, one request upstream at a time, and
 * nothing past the answer that closes the connection (issue 14, item 1).
 */
class PipeliningTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static final String PIPELINED = "GET /behind HTTP/1.1\r\nHost: h\r\n\r\n".repeat(50);

    @Test
    void nothingPipelinedBehindAClosingAnswerReachesTheBackend() throws IOException {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        String[][] cases = {
            {"Connection: close", "GET /first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "1"},
            {"HTTP/1.0 without keep-alive", "GET /first HTTP/1.0\r\nHost: h\r\n\r\n", "1"},
            {"the gateway's own 400", "GET /first HTTP/1.1\r\nHost: a/b\r\n\r\n", "0"},
            {"the gateway's 400 for a path above the root", "GET /../x HTTP/1.1\r\nHost: h\r\n\r\n", "0"},
        };
        for (String[] c : cases) {
            int before = up.seen().size();
            try (RawHttp raw = new RawHttp(gw.port())) {
                raw.send(c[1] + PIPELINED);
                RawHttp.Response first = raw.read();
                assertThat(first.header("connection")).as(c[0]).isEqualTo("close");
                assertThat(raw.readAll()).as("%s: nothing answered after the close", c[0]).isEmpty();
            }
            assertOnlyTheMarkerFollows(up, before + Integer.parseInt(c[2]), c[0]);
        }
    }

    @Test
    void nothingPipelinedBehindTheLastKeepAliveRequestReachesTheBackend() throws IOException {
        gw.configure(c -> c.toBuilder().keepAliveRequests(2).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n" + PIPELINED);
            assertThat(raw.read().header("connection")).isNull();
            assertThat(raw.read().header("connection")).isEqualTo("close");
            assertThat(raw.readAll()).isEmpty();
        }
        assertOnlyTheMarkerFollows(up, 2, "keep-alive-requests reached");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAtATimeUpstream() throws IOException {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        CountDownLatch gate = new CountDownLatch(1);
        up.holdUploads(gate);
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /download/3 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /download/1 HTTP/1.1\r\nHost: h\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> up.seen().size() == 1);
            gate.countDown(); // the upload answers only now: the next request must wait for it
            assertThat(raw.read().body()).startsWith("5 ");
            assertThat(raw.read().body()).hasSize(3);
            assertThat(raw.read().body()).hasSize(1);
        }
        assertThat(up.seen()).extracting(TestBackend.Seen::uri).containsExactly("/upload", "/download/3", "/download/1");
        assertThat(up.maxInFlight()).as("requests the backend handled at once").isEqualTo(1);
    }

    /**
     * A request on a fresh connection, once the pipelining one is closed, bounds the wait: a
     * gateway that forwards what was pipelined does so at the close, well before this marker
     * gets through (on the old code, dozens of requests, none of them answered).
     */
    private void assertOnlyTheMarkerFollows(TestBackend up, int expectedBefore, String what) {
        try (RawHttp marker = new RawHttp(gw.port())) {
            assertThat(marker.send("GET /marker HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> up.seen().stream().anyMatch(s -> s.uri().equals("/marker")));
        assertThat(up.seen()).as(what).hasSize(expectedBefore + 1);
        assertThat(up.last().uri()).isEqualTo("/marker");
        up.seen().removeIf(s -> s.uri().equals("/marker"));
    }
}
