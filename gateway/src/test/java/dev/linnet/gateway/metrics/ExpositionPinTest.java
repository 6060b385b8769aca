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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pins the request families' exposition, byte for byte, in both text formats: family order,
 * help texts, label names and order, label values, bucket bounds, {@code _count}/{@code _sum}/
 * {@code _bucket}/{@code _created} lines and series removal. Only what a clock decides is masked:
 * duration buckets and sums, Summary quantiles, {@code _created} timestamps. The pinned files
 * were written by the library-backed implementation before issue 7 replaced it; to rewrite them
 * on purpose, run with {@code -Dlinnet.pin.write=<dir>} and copy the files over.
 */
class ExpositionPinTest {

    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Families this test pins; the JVM and process families change from run to run. */
    private static final List<String> PINNED = List.of("nginx_ingress_controller_requests",
            "nginx_ingress_controller_request_", "nginx_ingress_controller_response_",
            "nginx_ingress_controller_header_", "nginx_ingress_controller_connect_",
            "nginx_ingress_controller_bytes_sent", "nginx_ingress_controller_ingress_upstream_latency",
            "linnet_split_decisions", "linnet_upstream_connect_failures", "linnet_upstream_retries");
    private static final Pattern CLOCKED = Pattern.compile(
            "^(\\S*(_seconds_bucket|_seconds_sum|_seconds|_created)(\\{.*})?) \\S+( \\S+)?$");

    private final Backend stable = Backend.of("default", "stable", "80", List.of(new Endpoint("127.0.0.1", 9001)));
    private final Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
    private final Backend other = Backend.of("shop", "api", "8080", List.of(new Endpoint("127.0.0.1", 9003)));
    private final Route main = new Route("default", "main", "a.example.com", PathMatch.prefix("/"), stable,
            new CanaryRule("default", "main-canary", canary, "X-Canary", null, null, null, 10, 100));
    private final Route shop = new Route("shop", "shop", "b.example.com", PathMatch.prefix("/api"), other, null);

    @Test
    void defaultsExposeExactlyWhatTheLibraryDid() {
        MetricsOptions options = MetricsOptions.defaults().withController("ingress-nginx", "k8s.io/ingress-nginx", "pod-1");
        try (GatewayMetrics metrics = scenario(options)) {
            pin(metrics, "defaults");
            metrics.tablePublished(table(main).withVersion(2));
            pin(metrics, "defaults-after-removal");
        }
    }

    @Test
    void optionsShapeTheExpositionAsTheLibraryDid() {
        MetricsOptions options = MetricsOptions.defaults().withPerHost(false).withStatusClasses(true)
                .withExcluded(Set.of(MetricNames.REQUEST_SIZE, MetricNames.HEADER_DURATION)).withLegacyLatency(true)
                .withBuckets(List.of(0.1, 1.0), List.of(100.0, 1000.0), List.of(1e3, 1e6));
        try (GatewayMetrics metrics = scenario(options)) {
            pin(metrics, "options");
        }
    }

    private GatewayMetrics scenario(MetricsOptions options) {
        GatewayMetrics metrics = GatewayMetrics.create(options);
        metrics.tablePublished(table(main, shop));
        // canary by header, one attempt through every phase
        metrics.record(request(HttpMethod.GET, main, Decision.of(Variant.CANARY, Reason.HEADER_VALUE), 200, 1, 0,
                120, 2048, Phase.CONNECTED, Phase.UPSTREAM_HEADERS, Phase.UPSTREAM_END));
        metrics.record(request(HttpMethod.GET, main, Decision.of(Variant.CANARY, Reason.HEADER_VALUE), 200, 1, 0,
                95, 15, Phase.CONNECTED, Phase.UPSTREAM_HEADERS, Phase.UPSTREAM_END));
        // canary refused: one attempt, no connection
        metrics.record(request(HttpMethod.GET, main, Decision.of(Variant.CANARY, Reason.WEIGHT), 502, 1, 1, 80, 150));
        // stable after a retry: upstream timers skipped, a retry and a failure counted
        metrics.record(request(HttpMethod.POST, main, Decision.of(Variant.STABLE, Reason.WEIGHT), 201, 2, 1, 5000,
                60, Phase.CONNECTED, Phase.UPSTREAM_HEADERS, Phase.UPSTREAM_END));
        // an unusual method, another Ingress
        metrics.record(request(HttpMethod.valueOf("PROPFIND"), shop, Decision.of(Variant.STABLE, Reason.NO_CANARY),
                207, 1, 0, 300, 12_000_000, Phase.CONNECTED, Phase.UPSTREAM_HEADERS));
        // no route: the bounded 404 series
        metrics.record(request(HttpMethod.GET, null, null, 404, 0, 0, 70, 100)); // on a bound: le is inclusive
        return metrics;
    }

    private static RequestTimeline request(HttpMethod method, Route route, Decision decision, int status, int attempts,
            int connectFailures, long read, long written, Phase... phases) {
        RequestTimeline t = RequestTimeline.start(method);
        if (route != null) {
            t.routed(route, decision);
        }
        for (int i = 0; i < attempts; i++) {
            t.attempt();
        }
        for (int i = 0; i < connectFailures; i++) {
            t.connectFailed();
        }
        for (Phase p : phases) {
            t.mark(p);
        }
        t.mark(Phase.DONE);
        t.status(status);
        t.bytes(read, written);
        return t;
    }

    private static void pin(GatewayMetrics metrics, String name) {
        for (String accept : new String[] {null, OPEN_METRICS}) {
            String file = name + (accept == null ? ".prom" : ".om") + ".txt";
            String actual = masked(new String(metrics.scrape(accept).bytes(), StandardCharsets.UTF_8));
            String write = System.getProperty("linnet.pin.write");
            if (write != null) {
                try {
                    Files.writeString(Path.of(write, file), actual);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            assertThat(actual).as(file).isEqualTo(expected(file));
        }
    }

    private static String expected(String file) {
        try (InputStream in = ExpositionPinTest.class.getResourceAsStream("pinned/" + file)) {
            assertThat(in).as("pinned/" + file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pinned families only, with the values a clock decides replaced by {@code <t>}. */
    static String masked(String exposition) {
        StringBuilder out = new StringBuilder();
        for (String line : exposition.split("\n", -1)) {
            if (line.isEmpty() || line.equals("# EOF")) {
                out.append(line).append('\n');
                continue;
            }
            String family = line.startsWith("# ") ? line.split(" ")[2] : line.split("[{ ]")[0];
            if (PINNED.stream().noneMatch(family::startsWith)) {
                continue;
            }
            Matcher m = CLOCKED.matcher(line);
            boolean clocked = !line.startsWith("#") && m.matches()
                    && (family.contains("_seconds") || family.endsWith("_created") || line.contains("quantile="));
            out.append(clocked ? m.group(1) + " <t>" : line).append('\n');
        }
        return out.toString().replaceAll("\n+$", "\n");
    }
}
