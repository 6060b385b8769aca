package dev.linnet.gateway.metrics;

import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several threads record into the same series at once, as event loops do; the scrape must then
 * show every request exactly: counter, bucket counts, sums. Each cell has one writer and no
 * atomic update, so a lost update here would mean two threads shared a cell.
 */
class ConcurrentRecordingTest {

    private static final int THREADS = 4;
    private static final int REQUESTS = 10_000;

    private final Backend stable = Backend.of("default", "stable", "80", List.of(new Endpoint("127.0.0.1", 9001)));
    private final Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
    private final Route route = new Route("default", "main", "a.example.com", PathMatch.prefix("/"), stable,
            new CanaryRule("default", "main-canary", canary, null, null, null, null, 50, 100));

    @Test
    void eventLoopThreadsLoseNoUpdate() throws Exception {
        // Netty's factory makes FastThreadLocalThreads, as the event loops are.
        assertExactAfterConcurrentRecording(new DefaultThreadFactory("loop"), WriterSlots.DEDICATED);
    }

    @Test
    void threadsPastTheDedicatedCellsShareOneUnderItsLock() throws Exception {
        // Only 2 dedicated cells: the other threads all write the shared cell at once.
        assertExactAfterConcurrentRecording(Thread::new, 2);
    }

    private void assertExactAfterConcurrentRecording(ThreadFactory threads, int dedicated) throws Exception {
        try (GatewayMetrics metrics = GatewayMetrics.create(MetricsOptions.defaults(), dedicated)) {
            metrics.tablePublished(table(route));
            // Request i (per thread) answers 100 bytes: exactly the last length bound (le is
            // inclusive) and 2 × 50 so sums are exact in a double; odd ones go to the canary.
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < REQUESTS; i++) {
                            Variant v = i % 2 == 0 ? Variant.STABLE : Variant.CANARY;
                            metrics.record(request(Decision.of(v, Reason.WEIGHT), i % 2 == 0 ? 100 : 50));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            PromText p = PromText.parse(new String(metrics.scrape(null).bytes(), StandardCharsets.UTF_8));
            int half = THREADS * REQUESTS / 2;
            Map<String, String> stableSeries = Map.of("canary", "", "ingress", "main");
            Map<String, String> canarySeries = Map.of("canary", "default-canary-80", "ingress", "main");
            assertThat(p.sum("nginx_ingress_controller_requests", stableSeries)).isEqualTo(half);
            assertThat(p.sum("nginx_ingress_controller_requests", canarySeries)).isEqualTo(half);
            assertThat(p.sum("nginx_ingress_controller_nginx_process_requests_total", Map.of())).isEqualTo(2 * half);
            String size = "nginx_ingress_controller_response_size";
            assertThat(p.sum(size + "_count", stableSeries)).isEqualTo(half);
            assertThat(p.sum(size + "_sum", stableSeries)).isEqualTo(100.0 * half);
            assertThat(p.sum(size + "_sum", canarySeries)).isEqualTo(50.0 * half);
            assertThat(p.sum(size + "_bucket", with(stableSeries, "le", "90.0"))).isZero();
            assertThat(p.sum(size + "_bucket", with(stableSeries, "le", "100.0"))).isEqualTo(half);
            assertThat(p.sum(size + "_bucket", with(canarySeries, "le", "40.0"))).isZero();
            assertThat(p.sum(size + "_bucket", with(canarySeries, "le", "50.0"))).isEqualTo(half);
            assertThat(p.sum(size + "_bucket", with(canarySeries, "le", "+Inf"))).isEqualTo(half);
            assertThat(p.sum("nginx_ingress_controller_request_size_sum", Map.of())).isEqualTo(200.0 * 2 * half);
            assertThat(p.sum("nginx_ingress_controller_connect_duration_seconds_count", Map.of())).isEqualTo(2 * half);
            assertThat(p.sum("nginx_ingress_controller_request_duration_seconds_bucket", Map.of("le", "+Inf")))
                    .isEqualTo(2 * half);
            assertThat(p.sum("linnet_split_decisions_total", Map.of("variant", "canary"))).isEqualTo(half);
            assertThat(p.sum("linnet_split_decisions_total", Map.of("variant", "stable"))).isEqualTo(half);
            assertThat(p.sum("linnet_upstream_connect_failures_total", Map.of())).isEqualTo(2 * half);
        }
    }

    private RequestTimeline request(Decision decision, long written) {
        RequestTimeline t = RequestTimeline.start(HttpMethod.GET);
        t.routed(route, decision);
        t.attempt();
        t.connectFailed(); // counted in linnet_upstream_connect_failures_total
        t.mark(Phase.CONNECTED);
        t.mark(Phase.DONE);
        t.status(200);
        t.bytes(200, written);
        return t;
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(name, value);
        return all;
    }
}
