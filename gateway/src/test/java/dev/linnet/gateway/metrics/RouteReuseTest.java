package dev.linnet.gateway.metrics;

import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same thread records on the same Route object across tables, so the per-writer memo of
 * route handles ({@link RouteMemo}) is hit: deleting the Ingress must stop its counting, and a
 * later table that reuses the Route object must count it again from zero.
 */
class RouteReuseTest {

    private final Backend api = Backend.of("shop", "api", "8080", List.of(new Endpoint("127.0.0.1", 9003)));
    private final Route shop = new Route("shop", "shop", "b.example.com", PathMatch.prefix("/api"), api, null);
    private final Route other = new Route("shop", "other", "c.example.com", PathMatch.prefix("/"), api, null);

    @Test
    void routeObjectReusedByALaterTableIsCountedAgainFromZero() {
        try (GatewayMetrics metrics = GatewayMetrics.create(MetricsOptions.defaults())) {
            metrics.tablePublished(table(shop, other));
            record(metrics, 3);
            assertThat(requests(metrics)).isEqualTo(3);
            metrics.tablePublished(table(other).withVersion(2));
            record(metrics, 2); // finished on the old table: its series are gone and stay gone
            assertThat(requests(metrics)).isZero();
            metrics.tablePublished(table(shop, other).withVersion(3));
            record(metrics, 1);
            assertThat(requests(metrics)).isEqualTo(1);
        }
    }

    private void record(GatewayMetrics metrics, int n) {
        for (int i = 0; i < n; i++) {
            RequestTimeline t = RequestTimeline.start(HttpMethod.GET);
            t.routed(shop, Decision.of(Variant.STABLE, Reason.NO_CANARY));
            t.mark(Phase.DONE);
            t.status(200);
            metrics.record(t);
        }
    }

    private static double requests(GatewayMetrics metrics) {
        return PromText.parse(new String(metrics.scrape(null).bytes(), StandardCharsets.UTF_8))
                .sum("nginx_ingress_controller_requests", Map.of("ingress", "shop"));
    }
}
