package dev.linnet.perf;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricNames;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import io.netty.handler.codec.http.HttpMethod;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link GatewayMetrics#record} of one proxied request (issue 7): the requests counter, the
 * seven histograms, the split-decision counter, on a route whose handles are already resolved.
 * One JMH thread, as one event loop records. The tear-down scrapes and checks that every
 * invocation was counted, so the JIT cannot drop the work.
 *
 * <pre>
 *   perf/jmh.sh MetricsRecord
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsRecordBenchmark {

    private GatewayMetrics metrics;
    private RequestTimeline timeline;
    private long recorded;

    @Setup(Level.Trial)
    public void setUp() {
        metrics = GatewayMetrics.create(MetricsOptions.defaults());
        Backend stable = Backend.of("default", "stable", "80", List.of(new Endpoint("127.0.0.1", 9001)));
        Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
        Route route = new Route("default", "main", "a.example.com", PathMatch.prefix("/"), stable,
                new CanaryRule("default", "main-canary", canary, null, null, null, null, 10, 100));
        timeline = RequestTimeline.start(HttpMethod.GET);
        timeline.routed(route, Decision.of(Variant.CANARY, Reason.WEIGHT));
        timeline.attempt();
        timeline.mark(Phase.CONNECTED);
        timeline.mark(Phase.UPSTREAM_HEADERS);
        timeline.mark(Phase.UPSTREAM_END);
        timeline.mark(Phase.DONE);
        timeline.status(200);
        timeline.bytes(180, 420);
    }

    @Benchmark
    public void recordOneRequest() {
        metrics.record(timeline);
        recorded++;
    }

    @TearDown(Level.Trial)
    public void check() {
        double counted = 0;
        for (MetricSnapshot s : metrics.registry().getPrometheusRegistry().scrape()) {
            if (!s.getMetadata().getName().equals(MetricNames.REQUESTS)) {
                continue;
            }
            if (s instanceof CounterSnapshot c) {
                counted = c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            } else if (s instanceof UnknownSnapshot u) {
                counted = u.getDataPoints().stream().mapToDouble(UnknownSnapshot.UnknownDataPointSnapshot::getValue).sum();
            }
        }
        if (counted != recorded) {
            throw new IllegalStateException("requests counted: " + counted + " (expected: " + recorded + ")");
        }
        metrics.close();
    }
}
