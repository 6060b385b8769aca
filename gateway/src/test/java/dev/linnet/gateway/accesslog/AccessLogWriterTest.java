package dev.linnet.gateway.accesslog;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.LogLines;
import dev.linnet.gateway.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer behind the event loops: every line below the queue bound arrives, and a full queue
 * (the sink held shut, as a stalled stdout would be) drops and counts lines while requests go on.
 */
class AccessLogWriterTest {

    private static final String HOST = "load.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withIoThreads(2));

    private final LogLines lines = new LogLines();
    private TestBackend pod;

    @BeforeEach
    void setUp() {
        pod = gw.backend("pod");
    }

    @Test
    void underLoadNoLineIsLostBelowTheQueueBound() throws Exception {
        AccessLog log = AccessLog.create(lines, 4096);
        gw.accessLog(log);
        gw.publish(table(route(HOST, "/", backend("web", pod))));
        int threads = 8;
        int perThread = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertThat(gw.get(HOST, "/t" + thread + "/r" + i).statusCode()).isEqualTo(200);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = lines.await(threads * perThread);
        assertThat(all).hasSize(threads * perThread);
        assertThat(new HashSet<>(all.stream().map(l -> DefaultLine.parse(l).request()).toList()))
                .as("each request once").hasSize(threads * perThread);
        assertThat(log.dropped()).isZero();
    }

    @Test
    @Timeout(30)
    void aFullQueueDropsAndCountsLinesWhileRequestsComplete() {
        AccessLog log = AccessLog.create(lines, 4);
        gw.accessLog(log);
        gw.publish(table(route(HOST, "/", backend("web", pod))));
        lines.hold(); // stdout stalls: the writer blocks in its first write
        int requests = 20;
        for (int i = 0; i < requests; i++) {
            assertThat(gw.get(HOST, "/r" + i).statusCode()).as("traffic never waits for the log").isEqualTo(200);
        }
        lines.open();
        // Every line was written or dropped (the last request's may be handed over just after its
        // answer left): the ring kept 4, and the writer held a batch if it polled before they
        // came (it looks every 50 ms); the rest were dropped.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> lines.lines().size() + log.dropped() == requests);
        assertThat(log.dropped()).isBetween(1L, (long) requests - log.capacity());
        assertThat(metric()).isEqualTo(log.dropped());
        assertThat(lines.lines()).hasSizeGreaterThanOrEqualTo(log.capacity()).allMatch(l -> l.contains("\"GET /r"));
    }

    @Test
    void http2RequestsAreLoggedWithTheirProtocol() {
        gw.accessLog(AccessLog.create(lines, 64));
        gw.publish(table(route(HOST, "/", backend("web", pod))));
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        assertThat(h2.send(headers("GET", HOST, "/h2?x=1")).status()).isEqualTo(200);
        DefaultLine l = DefaultLine.parse(lines.single());
        assertThat(l.request()).isEqualTo("GET /h2?x=1 HTTP/2.0");
        assertThat(l.bodyBytesSent()).isEqualTo("pod".length());
        assertThat(l.upstreamAddr()).isEqualTo(pod.endpoint().toString());
    }

    private long metric() {
        String text = new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith("linnet_access_log_dropped_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no linnet_access_log_dropped_total in\n" + text));
    }
}
