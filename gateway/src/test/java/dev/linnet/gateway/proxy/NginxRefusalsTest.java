package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.streamingBodies;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests nginx answers with 400 and Netty alone would pass on (issue 14, items 3, 4 and 5):
 * none of them may reach the pod in a shape nginx never sends.
 */
class NginxRefusalsTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend up;

    @BeforeEach
    void publish() {
        up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
    }

    @Test
    void requestLinesAndHeadsNginxRefusesAre400AndNeverForwarded() throws IOException {
        String[][] cases = {
            {"lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n"},
            {"method with a digit", "G3T / HTTP/1.1\r\nHost: h\r\n\r\n"},
            {"TAB after the method", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n"},
            {"TAB before the version", "GET /\tHTTP/1.1\r\nHost: h\r\n\r\n"},
            {"bare CR as a separator", "GET\r/ HTTP/1.1\r\nHost: h\r\n\r\n"},
            {"bare CR inside the request line", "GET / \rHTTP/1.1\r\nHost: h\r\n\r\n"},
            {"obs-fold with SP", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n"},
            {"obs-fold with TAB", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\tfolded\r\n\r\n"},
            {"HTTP/1.0 with two Content-Length values",
                "POST / HTTP/1.0\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 39\r\n\r\nhello"
                    + "GET /smuggled HTTP/1.0\r\nHost: h\r\n\r\n"},
            {"Content-Length with Transfer-Encoding",
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
            {"HTTP/1.0 with Transfer-Encoding",
                "POST / HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
            {"HTTP/1.0 with the same Content-Length twice",
                "POST / HTTP/1.0\r\nHost: h\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello"},
        };
        Map<String, String> answers = new LinkedHashMap<>(); // every case's outcome, so a failure lists them all
        for (String[] c : cases) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send(c[1]).read();
                answers.put(c[0], r.status() + " " + r.header("connection") + (raw.closedByPeer() ? " closed" : " open"));
            } catch (UncheckedIOException e) {
                answers.put(c[0], e.getCause().getMessage());
            }
        }
        assertThat(answers).allSatisfy((what, answer) -> assertThat(answer).as(what).isEqualTo("400 close closed"));
        try (RawHttp raw = new RawHttp(gw.port())) { // the marker: what came before it was never forwarded
            assertThat(raw.send("GET /marker HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(up.seen()).extracting(TestBackend.Seen::uri).containsExactly("/marker");
    }

    /**
     * ngx_http_process_request_header: a Transfer-Encoding other than exactly {@code chunked} is
     * "unknown" (501), a second Transfer-Encoding field a duplicate (400). Netty would frame
     * {@code gzip, chunked} as chunked and pass the field on for the pod to read its own way.
     */
    @Test
    void transferEncodingsNginxDoesNotKnowAre501AndDuplicatesAre400() throws IOException {
        String[][] cases = {
            {"gzip, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "501"},
            {"gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
            {"chunked, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
                "501"},
            {"two fields", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n", "400"},
        };
        Map<String, String> answers = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (String[] c : cases) {
            expected.put(c[0], c[2] + " close closed");
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send(c[1]).read();
                answers.put(c[0], r.status() + " " + r.header("connection") + (raw.closedByPeer() ? " closed" : " open"));
            } catch (UncheckedIOException e) {
                answers.put(c[0], e.getCause().getMessage());
            }
        }
        assertThat(answers).isEqualTo(expected);
        try (RawHttp raw = new RawHttp(gw.port())) { // chunked in any case is still chunked
            assertThat(raw.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                    .read().status()).isEqualTo(200);
        }
        assertThat(up.seen()).hasSize(1);
    }

    @Test
    void whatNginxAcceptsStillPasses() throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET  /a  HTTP/1.1\r\nHost: h\r\nX-Tab:\tvalue\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(raw.send("POST /upload HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\nContent-Length: 7\r\n\r\n"
                    + "a\n b\n\tc").read().body()).startsWith("7 ");
            assertThat(raw.send("\r\nX_Y-Z / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(up.seen()).extracting(TestBackend.Seen::method).containsExactly("GET", "POST", "X_Y-Z");
    }

    @Test
    void aBrokenChunkedBodyAfterTheHeadWentUpstreamIs400AndTheUpstreamConnectionIsClosed() throws IOException {
        gw.publish(table(streamingBodies(route("h", "/", backend("up", up))))); // the head goes at once
        String head = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
        String[][] cases = {
            {"bad chunk size", "zz\r\nhello\r\n0\r\n\r\n"},
            {"chunk without its CRLF", "5\r\nhelloXX0\r\n\r\n"},
            {"chunk-size line too long", "0".repeat(9000) + "5\r\nhello\r\n0\r\n\r\n"},
        };
        for (String[] c : cases) {
            int before = up.seen().size();
            try (RawHttp raw = new RawHttp(gw.port())) {
                raw.send(head);
                await().atMost(Duration.ofSeconds(10)).until(() -> up.seen().size() == before + 1); // head went upstream
                RawHttp.Response r = raw.send(c[1]).read();
                assertThat(r.status()).as(c[0]).isEqualTo(400);
                assertThat(r.header("connection")).as(c[0]).isEqualTo("close");
            }
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(up.connectionCount()).as("a connection per request: none came back to the pool")
                .isEqualTo(cases.length + 1);
    }
}
