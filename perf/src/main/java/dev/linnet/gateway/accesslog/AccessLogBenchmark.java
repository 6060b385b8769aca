package dev.linnet.gateway.accesslog;

import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the access log costs the event loop per request, in two parts (issue 18 §3):
 *
 * <ul>
 *   <li>{@code capture}: copy the header values the format names into a small {@link AccessLogEntry};</li>
 *   <li>{@code captureAndFormat}: the same, plus formatting the default line into Latin-1 bytes, as
 *       {@link AccessLog#offer} does on the event loop before handing the bytes to the writer;</li>
 *   <li>{@code offer}: all of {@link AccessLog#offer} on the event loop, the hand-over included.</li>
 * </ul>
 *
 * Everything here stays in the cache between calls; on a real event loop the formatting costs
 * more (perf/README.md, "The access log on the event loop").
 *
 * <pre>
 *   perf/jmh.sh AccessLog
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessLogBenchmark {

    private final AccessLogSettings settings = AccessLogSettings.DEFAULT;
    private final Line line = new Line(512, new LogTimes());
    private HttpHeaders headers;
    private Route route;
    private RequestTimeline timeline;
    private final AccessLog log = AccessLog.create((bytes, length) -> { }, AccessLog.DEFAULT_CAPACITY);

    @Setup
    public void setUp() {
        headers = new DefaultHttpHeaders();
        headers.add("host", "canary.example.com").add("user-agent", "wrk").add("accept", "*/*")
                .add("referer", "https://example.com/").add("x-request-id", "4f2c9d0e8b7a6f5e4d3c2b1a09f8e7d6");
        Backend main = Backend.of("shop", "web", "80", List.of(new Endpoint("10.244.0.12", 8080)));
        route = new Route("shop", "web", "canary.example.com", PathMatch.prefix("/"), main, null);
        timeline = RequestTimeline.start(HttpMethod.GET);
        timeline.routed(route, Decision.of(Variant.STABLE, Reason.NO_CANARY));
        timeline.attempt(main.endpoints().get(0));
        timeline.mark(Phase.CONNECTED);
        timeline.upstreamStatus(200);
        timeline.mark(Phase.UPSTREAM_HEADERS);
        timeline.status(200);
        timeline.upstreamBody(612);
        timeline.mark(Phase.UPSTREAM_END);
        timeline.bytes(78, 780);
        timeline.bodyBytes(612);
        timeline.mark(Phase.DONE);
    }

    AccessLogEntry entry() {
        String[] names = settings.format().headers();
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = headers.get(names[i]);
        }
        return new AccessLogEntry(settings, timeline, route, System.currentTimeMillis(),
                new AccessLogEntry.Client("10.1.2.3", 40000, 80, false, null, null),
                new AccessLogEntry.Request("GET", "/info", "HTTP/1.1", "canary.example.com", "/info"),
                headers.get("x-request-id"), values);
    }

    /** The whole event-loop side: capture, format, hand over (the writer drains into a sink that drops the bytes). */
    @Benchmark
    public boolean offer() {
        return log.offer(entry());
    }

    @TearDown
    public void tearDown() {
        log.close();
    }

    @Benchmark
    public AccessLogEntry capture() {
        return entry();
    }

    @Benchmark
    public byte[] captureAndFormat() {
        AccessLogEntry e = entry();
        line.truncate(0);
        e.settings().format().format(e, e.settings().escaping(), line);
        line.append('\n');
        return java.util.Arrays.copyOf(line.array(), line.length());
    }
}
