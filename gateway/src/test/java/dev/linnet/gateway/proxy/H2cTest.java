package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cleartext HTTP/2 with prior knowledge on the HTTP port, through the real gateway to HTTP/1.1
 * backends: the same routing and canary split as HTTP/1.1, with HTTP/2's own header rules.
 */
class H2cTest {

    private static final String HOST = "canary.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend stable;
    private TestBackend canary;
    private Backend stableBackend;
    private Backend canaryBackend;

    @BeforeEach
    void backends() {
        stable = gw.backend("stable");
        canary = gw.backend("canary");
        stableBackend = backend("stable", stable);
        canaryBackend = backend("canary", canary);
    }

    private H2Client client() {
        return gw.closeLater(H2Client.connect(gw.port()));
    }

    /** nginx (ngx_http_v2_parse_path): a :path must be origin form, absolute or "*" is 400. */
    @Test
    void aPathThatIsNotOriginFormIsRefused() {
        TestBackend admin = gw.backend("admin");
        TestBackend open = gw.backend("open");
        gw.publish(table(route("h", "/admin", backend("admin", admin)), route("h", "/", backend("open", open))));
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        for (String path : new String[] {"admin", "http://h/admin", "*"}) {
            assertThat(h2.send(headers("GET", "h", path)).status()).as(path).isEqualTo(400);
        }
        assertThat(h2.send(headers("GET", "h", "/x/../admin")).status()).isEqualTo(200);
        assertThat(open.seen()).isEmpty();
        assertThat(admin.seen()).hasSize(1);
    }

    @Test
    void headerForcedCanaryAppliesToH2cStreams() {
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(canary(canaryBackend).header("X-Canary").build())));
        H2Client h2 = client();
        H2Client.Response forced = h2.send(headers("GET", HOST, "/").add("x-canary", "always"));
        H2Client.Response plain = h2.send(headers("GET", HOST, "/"));
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.text()).isEqualTo("canary");
        assertThat(plain.text()).isEqualTo("stable");
        // :authority is the Host the route matched and the upstream sees; h2 bookkeeping stays here.
        TestBackend.Seen seen = stable.last();
        assertThat(seen.header("Host")).isEqualTo(HOST);
        assertThat(seen.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-http2-"));
        assertThat(h2.isOpen()).isTrue();
    }

    @Test
    void cookieSplitAcrossFieldsIsMergedForCanaryMatchingAndTheUpstream() {
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(canary(canaryBackend).cookie("canary").build())));
        H2Client h2 = client();
        // RFC 9113 §8.2.3: a client may send each cookie in its own field.
        H2Client.Response r = h2.send(headers("GET", HOST, "/").add("cookie", "session=42").add("cookie", "canary=always"));
        assertThat(r.text()).isEqualTo("canary");
        assertThat(canary.last().headers().get("Cookie")).containsExactly("session=42; canary=always");
        H2Client.Response never = h2.send(headers("GET", HOST, "/").add("cookie", "a=1").add("cookie", "canary=never"));
        assertThat(never.text()).isEqualTo("stable");
    }

    @Test
    void connectionSpecificHeadersNeverReachAnH2Client() {
        stable.respondWithHeaders(Map.of("Keep-Alive", "timeout=5", "X-Kept", "yes"));
        gw.publish(table(route(HOST, "/", stableBackend)));
        H2Client.Response r = client().send(headers("GET", HOST, "/"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("x-kept")).hasToString("yes");
        for (String name : List.of("connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection")) {
            assertThat(r.headers().contains(name)).as(name).isFalse();
        }
    }

    @Test
    void concurrentStreamsShareOneConnectionAndLocalAnswersWork() throws Exception {
        gw.publish(table(route(HOST, "/", stableBackend)));
        H2Client h2 = client();
        List<CompletableFuture<H2Client.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(h2.start(headers("POST", HOST, "/echo/" + i), 5, offset -> io.netty.buffer.Unpooled
                    .copiedBuffer(new byte[] {1, 2, 3, 4, 5}), new AtomicLong()));
        }
        for (CompletableFuture<H2Client.Response> call : calls) {
            assertThat(call.get(20, TimeUnit.SECONDS).text()).isEqualTo("stable");
        }
        assertThat(h2.send(headers("GET", "unknown.example.com", "/")).status()).isEqualTo(404);
        assertThat(h2.send(headers("GET", HOST, "/")).text()).isEqualTo("stable");
        assertThat(h2.isOpen()).isTrue();
        assertThat(activeConnectionsLine()).as("one connection, however many streams it carried")
                .endsWith(" 1.0");
    }

    private String activeConnectionsLine() {
        String text = new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith("nginx_ingress_controller_nginx_process_connections{")
                && l.contains("state=\"active\"")).findFirst().orElse("none");
    }

    @Test
    void sizeMetricsCountEachStreamsBody() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        H2Client.Response r = client().send(headers("POST", HOST, "/"), "x".repeat(5000));
        assertThat(r.text()).isEqualTo("stable");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(metricSum("nginx_ingress_controller_request_size_sum")).isEqualTo(5000);
            assertThat(metricSum("nginx_ingress_controller_response_size_sum")).isEqualTo(6);
        });
    }

    @Test
    void expectContinueOnAStreamIsNotPassedOnAndRefusedBodiesGetTheirStatus() {
        gw.configure(c -> c.withMaxRequestBodySize(10));
        gw.publish(table(route(HOST, "/", stableBackend)));
        H2Client h2 = client();
        // nginx sends no 100 on HTTP/2 streams (the client's DATA follows anyway); the header stops here.
        H2Client.Response r = h2.send(headers("POST", HOST, "/").add("expect", "100-continue"), "hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.interim()).as("no 100 Continue on a stream").isZero();
        assertThat(stable.last().header("Expect")).isNull();
        H2Client.Response tooLarge = h2.send(headers("POST", HOST, "/").add("expect", "100-continue")
                .add("content-length", "11"), "hello world");
        assertThat(tooLarge.status()).isEqualTo(413);
    }

    /**
     * A local answer on a stream does not wait for a body (there is no body clock on a stream), and
     * then says "stop sending" with RST_STREAM NO_ERROR, as nginx; a request that had ended gets no
     * RST at all (no frame on a closed stream).
     */
    @Test
    void aLocalAnswerOnAStreamComesAtOnceEvenIfTheBodyNeverDoes() throws Exception {
        gw.publish(table(route(HOST, "/", backend("none", List.of()))));
        H2Client h2 = client();
        assertThat(h2.send(headers("GET", "elsewhere", "/")).status()).isEqualTo(404); // stream 3, ended
        assertThat(h2.send(headers("GET", HOST, "/")).status()).isEqualTo(503); // stream 5, ended
        for (boolean expect : new boolean[] {true, false}) { // streams 7 and 9, bodies never sent
            io.netty.handler.codec.http2.Http2Headers head = headers("POST", HOST, "/").add("content-length", "5");
            if (expect) {
                head.add("expect", "100-continue");
            }
            H2Client.Response r = h2.startUnfinished(head).get(10, TimeUnit.SECONDS);
            assertThat(r.status()).as("expect: %s", expect).isEqualTo(503);
            assertThat(r.interim()).isZero();
        }
        // Frames arrive in order: once this answer is in, every earlier stream's RST is too.
        assertThat(h2.send(headers("GET", "elsewhere", "/")).status()).as("the connection serves on").isEqualTo(404);
        assertThat(h2.resets()).as("NO_ERROR (0) for the unfinished ones only, not CANCEL (8)")
                .containsExactly("7:0", "9:0");
    }

    private double metricSum(String name) {
        String text = new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void http1StillServedOnTheSamePort() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        assertThat(gw.get(HOST, "/").body()).isEqualTo("stable");
    }
}
