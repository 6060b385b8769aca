package dev.linnet.gateway.metrics;

import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A known mix of requests through the real gateway, then {@code /metrics} scraped from the real
 * admin listener and parsed strictly: exact counter values and label sets (canary-spec.md §5),
 * Flagger's two nginx queries, and the removal of a deleted Ingress's series.
 */
class RequestMetricsTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static final String A = "a.example.com";
    private static final String B = "b.example.com";

    private Route main;
    private Route weighted;
    private AdminServer admin;

    @BeforeEach
    void setUp() throws Exception {
        // One try per request, so the dead canary endpoint answers 502 deterministically.
        gw.configure(c -> c.withMaxTries(1));
        TestBackend stable = gw.backend("stable");
        TestBackend canaryServer = gw.backend("canary");
        Backend stableBackend = Backend.of("default", "stable", "80", List.of(stable.endpoint()));
        // Round-robin over [live, dead]: canary requests alternate 200, 502.
        Backend canaryBackend = Backend.of("default", "canary", "80", List.of(canaryServer.endpoint(), deadEndpoint()));
        CanaryRule rule = canary(canaryBackend).header("X-Canary").cookie("canary").weight(0, 100).build();
        main = new Route("default", "main", A, PathMatch.prefix("/"), stableBackend, rule);
        Backend canary2 = Backend.of("default", "canary2", "8080", List.of(canaryServer.endpoint()));
        weighted = new Route("default", "weighted", B, PathMatch.prefix("/api"), stableBackend,
                new CanaryRule("default", "weighted-canary", canary2, null, null, null, null, 100, 100));
    }

    /** Starts the gateway and the admin listener with {@code options}; tests that don't call it get defaults. */
    private void start(MetricsOptions options) {
        gw.metricsOptions(options);
        RouteTable table = table(main, weighted);
        gw.publish(table);
        gw.metrics().tablePublished(table);
        try {
            admin = gw.closeLater(AdminServer.start("127.0.0.1", 0, gw.routes(), gw.metrics()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Endpoint deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Endpoint("127.0.0.1", s.getLocalPort()); // closed: refused
        }
    }

    private void send(int expected, String host, String path, String... headers) {
        assertThat(gw.get(host, path, headers).statusCode()).isEqualTo(expected);
    }

    private void mix() {
        if (admin == null) {
            start(MetricsOptions.defaults());
        }
        send(200, A, "/x?user=1", "X-Canary", "always");
        send(502, A, "/y", "X-Canary", "always");
        send(200, A, "/", "X-Canary", "always");
        send(502, A, "/", "X-Canary", "always");
        send(200, A, "/", "Cookie", "canary=always");
        send(502, A, "/", "Cookie", "canary=always");
        send(200, A, "/");
        send(200, A, "/some/deep/uri?q=secret");
        send(200, A, "/", "X-Canary", "never");
        send(200, B, "/api/v1");
        send(200, B, "/api");
        send(404, "nobody.example.com", "/anything");
        send(404, "other.example.com", "/");
        // A request is recorded when its exchange ends, which may be just after the client has
        // its answer: wait until all 13 are in before a test reads exact values.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrapeParsed().sum("nginx_ingress_controller_requests", Map.of())).isEqualTo(13));
    }

    private HttpResponse<String> scrape(String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            return gw.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private PromText scrapeParsed() {
        HttpResponse<String> r = scrape(null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PromText.parse(r.body());
    }

    private static Map<String, String> labels(String status, String path, String ingress, String service,
            String canary, String host) {
        return Map.ofEntries(Map.entry("status", status), Map.entry("method", "GET"), Map.entry("path", path),
                Map.entry("namespace", ingress.isEmpty() ? "" : "default"), Map.entry("ingress", ingress),
                Map.entry("service", service), Map.entry("canary", canary), Map.entry("host", host),
                Map.entry("controller_namespace", ""), Map.entry("controller_class", ""),
                Map.entry("controller_pod", ""));
    }

    @Test
    void requestsCounterHasExactSeriesAndValues() {
        mix();
        PromText p = scrapeParsed();
        assertThat(p.types).containsEntry("nginx_ingress_controller_requests", "counter");
        assertThat(p.samples("nginx_ingress_controller_requests_total")).isEmpty();
        Map<Map<String, String>, Double> series = new java.util.HashMap<>();
        p.samples("nginx_ingress_controller_requests").forEach(s -> series.put(s.labels(), s.value()));
        assertThat(series).containsExactlyInAnyOrderEntriesOf(Map.of(
                labels("200", "/", "main", "stable", "default-canary-80", A), 3.0,
                labels("502", "/", "main", "stable", "default-canary-80", A), 3.0,
                labels("200", "/", "main", "stable", "", A), 3.0,
                labels("200", "/api", "weighted", "stable", "default-canary2-8080", B), 2.0,
                labels("404", "", "", "", "", ""), 2.0));
    }

    @Test
    void splitDecisionsCountVariantAndReason() {
        mix();
        PromText p = scrapeParsed();
        Map<String, Double> byReason = new java.util.TreeMap<>();
        p.samples("linnet_split_decisions_total").forEach(s -> byReason.put(
                s.label("ingress") + "/" + s.label("variant") + "/" + s.label("reason"), s.value()));
        assertThat(byReason).containsExactlyInAnyOrderEntriesOf(Map.of(
                "main/canary/header", 4.0, "main/canary/cookie", 2.0, "main/stable/weight", 2.0,
                "main/stable/header", 1.0, "weighted/canary/weight", 2.0));
        assertThat(p.samples("linnet_split_decisions_total")).allSatisfy(s -> {
            assertThat(s.labels().keySet()).containsExactlyInAnyOrder("namespace", "ingress", "host", "path", "variant", "reason");
            assertThat(s.label("path")).isIn("/", "/api"); // the Ingress path, never the URI
        });
        assertThat(p.sum("linnet_upstream_connect_failures_total", Map.of("backend", "default-canary-80"))).isEqualTo(3);
    }

    @Test
    void flaggerQueriesGiveTheCanaryAnswer() {
        mix();
        PromText p = scrapeParsed();
        // request-success-rate: sum(rate(requests{namespace, ingress, canary!="", status!~"5.*"}))
        //                     / sum(rate(requests{namespace, ingress, canary!=""})) * 100
        List<PromText.Sample> canary = p.samples("nginx_ingress_controller_requests").stream()
                .filter(s -> s.label("namespace").equals("default") && s.label("ingress").equals("main")
                        && !s.label("canary").isEmpty())
                .toList();
        double all = canary.stream().mapToDouble(PromText.Sample::value).sum();
        double ok = canary.stream().filter(s -> !s.label("status").startsWith("5"))
                .mapToDouble(PromText.Sample::value).sum();
        assertThat(ok / all * 100).isEqualTo(50.0);
        // request-duration: sum(rate(response_duration_seconds_sum{..., canary!=""}))
        //                 / sum(rate(response_duration_seconds_count{..., canary!=""})) * 1000
        Map<String, String> main = Map.of("namespace", "default", "ingress", "main", "canary", "default-canary-80");
        double count = p.sum("nginx_ingress_controller_response_duration_seconds_count", main);
        double sum = p.sum("nginx_ingress_controller_response_duration_seconds_sum", main);
        assertThat(count).isEqualTo(6); // one attempt each, the 502s included (connect refused)
        assertThat(sum).isPositive();
        assertThat(p.sum("nginx_ingress_controller_header_duration_seconds_count", main)).isEqualTo(3);
        assertThat(p.sum("nginx_ingress_controller_connect_duration_seconds_count", main)).isEqualTo(3);
        // The 404s never reached an upstream: requests, request_duration and sizes only.
        Map<String, String> unrouted = Map.of("status", "404");
        assertThat(p.sum("nginx_ingress_controller_request_duration_seconds_count", unrouted)).isEqualTo(2);
        assertThat(p.sum("nginx_ingress_controller_response_size_count", unrouted)).isEqualTo(2);
        assertThat(p.sum("nginx_ingress_controller_response_duration_seconds_count", unrouted)).isZero();
        assertThat(p.sum("nginx_ingress_controller_request_size_sum", unrouted)).isGreaterThan(2 * 30);
    }

    @Test
    void histogramsUseIngressNginxBuckets() {
        mix();
        PromText p = scrapeParsed();
        Map<String, String> one = Map.of("ingress", "weighted");
        assertThat(p.samples("nginx_ingress_controller_request_duration_seconds_bucket").stream()
                .filter(s -> s.labels().entrySet().containsAll(one.entrySet())).map(s -> s.label("le")))
                .containsExactly("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                        "10.0", "+Inf");
        assertThat(p.samples("nginx_ingress_controller_request_size_bucket").stream()
                .filter(s -> s.labels().entrySet().containsAll(one.entrySet())).map(s -> s.label("le")))
                .containsExactly("10.0", "20.0", "30.0", "40.0", "50.0", "60.0", "70.0", "80.0", "90.0", "100.0",
                        "+Inf");
        for (String family : List.of("request_duration_seconds", "response_duration_seconds",
                "header_duration_seconds", "connect_duration_seconds", "request_size", "response_size")) {
            assertThat(p.types).containsEntry("nginx_ingress_controller_" + family, "histogram");
        }
        assertThat(p.types.keySet()).noneMatch(n -> n.startsWith("nginx_ingress_controller_") && n.endsWith("_max"));
    }

    @Test
    void noLabelHoldsTheUriQueryOrClientAddress() {
        mix();
        String body = scrape(null).body();
        assertThat(body).doesNotContain("secret", "/some/deep", "user=1", "127.0.0.1", "nobody.example.com",
                "always");
    }

    @Test
    void deletingAnIngressRemovesItsSeries() {
        mix();
        assertThat(scrapeParsed().samples.stream().filter(s -> "weighted".equals(s.label("ingress")))).isNotEmpty();
        RouteTable without = table(main).withVersion(2);
        gw.publish(without);
        gw.metrics().tablePublished(without);
        PromText p = scrapeParsed();
        assertThat(p.samples.stream().filter(s -> "weighted".equals(s.label("ingress")))).isEmpty();
        assertThat(p.samples("linnet_upstream_connect_failures_total")).isNotEmpty(); // main's backend stays
        assertThat(p.sum("nginx_ingress_controller_requests", Map.of("ingress", "main"))).isEqualTo(9);
        assertThat(p.sum("nginx_ingress_controller_requests", Map.of("status", "404"))).isEqualTo(2);
        assertThat(p.sum("linnet_routing_table_routes", Map.of())).isEqualTo(1);
        // Traffic to it again (a new table with it) starts from zero, as a new series.
        RouteTable again = table(main, weighted).withVersion(3);
        gw.publish(again);
        gw.metrics().tablePublished(again);
        send(200, B, "/api");
        // Recorded when the exchange ends, which may be just after the client has its answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrapeParsed().sum("nginx_ingress_controller_requests", Map.of("ingress", "weighted"))).isEqualTo(1));
    }

    @Test
    void openMetricsWhenAsked() {
        mix();
        HttpResponse<String> r = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/openmetrics-text; version=1.0.0"));
        assertThat(r.body()).endsWith("# EOF\n")
                .contains("# TYPE nginx_ingress_controller_requests unknown\n")
                .contains("\nnginx_ingress_controller_requests{")
                .doesNotContain("nginx_ingress_controller_requests_total");
    }

    @Test
    void perHostOffDropsTheHostLabelAndStatusClassesGroup() {
        start(MetricsOptions.defaults().withPerHost(false).withStatusClasses(true)
                .withExcluded(java.util.Set.of(MetricNames.REQUEST_SIZE)));
        mix();
        PromText p = scrapeParsed();
        assertThat(p.samples("nginx_ingress_controller_requests")).allSatisfy(s ->
                assertThat(s.labels()).doesNotContainKey("host"));
        assertThat(p.sum("nginx_ingress_controller_requests", Map.of("status", "5xx"))).isEqualTo(3);
        assertThat(p.sum("nginx_ingress_controller_requests", Map.of("status", "2xx"))).isEqualTo(8);
        assertThat(p.types).doesNotContainKey(MetricNames.REQUEST_SIZE).containsKey(MetricNames.RESPONSE_SIZE);
    }

    @Test
    void legacyLatencySummaryOnlyWhenAsked() {
        mix();
        assertThat(scrapeParsed().types).doesNotContainKey(MetricNames.LEGACY_UPSTREAM_LATENCY);
    }

    @Test
    void legacyLatencySummaryHasPre112Labels() {
        start(MetricsOptions.defaults().withLegacyLatency(true));
        mix();
        PromText p = scrapeParsed();
        assertThat(p.types).containsEntry(MetricNames.LEGACY_UPSTREAM_LATENCY, "summary");
        assertThat(p.samples(MetricNames.LEGACY_UPSTREAM_LATENCY).stream().map(s -> s.label("quantile")).distinct())
                .containsExactlyInAnyOrder("0.5", "0.9", "0.99");
        assertThat(p.sum(MetricNames.LEGACY_UPSTREAM_LATENCY + "_count",
                Map.of("ingress", "main", "canary", "default-canary-80"))).isEqualTo(3); // connected ones
        assertThat(p.samples(MetricNames.LEGACY_UPSTREAM_LATENCY + "_count")).allSatisfy(s ->
                assertThat(s.labels().keySet()).containsExactlyInAnyOrder("ingress", "namespace", "service", "canary",
                        "controller_namespace", "controller_class", "controller_pod"));
    }
}
