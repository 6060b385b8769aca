package dev.linnet.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.loop.ControlLoop;
import dev.linnet.controller.source.Source;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.route.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control loop's hook feeding ingress-nginx's reload metrics, through a real loop thread. */
class ControllerMetricsTest {

    private final GatewayMetrics gateway = GatewayMetrics.create(MetricsOptions.defaults());
    private final ControllerMetrics metrics = ControllerMetrics.create(gateway, "1.2.3");
    private final RouteTableHolder holder = new RouteTableHolder();
    private final AtomicBoolean fail = new AtomicBoolean();
    private ControlLoop loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
        gateway.close();
    }

    private static RouteTable table() {
        Route orphan = new Route("shop", "web", "shop.example.com", PathMatch.prefix("/"),
                Backend.of("shop", "web", "80", List.of()), null);
        return new RouteTable(0, Map.of("shop.example.com", new VirtualHost("shop.example.com", List.of(orphan), null)),
                Map.of(), RouteTable.EMPTY.defaultServer());
    }

    private String scrape() {
        return new String(gateway.scrape(null).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void buildsCountAsReloadsAndAFailureClearsLastReloadSuccessful() {
        loop = ControlLoop.start(new SyncedSource(), state -> {
            if (fail.get()) {
                throw new IllegalStateException("boom");
            }
            return new BuildResult(table(), List.of());
        }, holder).metrics(metrics);
        loop.signal();
        await().until(() -> scrape().contains("nginx_ingress_controller_success{controller_class=\"\","
                + "controller_namespace=\"\",controller_pod=\"\"} 1.0"));
        String ok = scrape();
        assertThat(ok).contains("nginx_ingress_controller_config_last_reload_successful{controller_class=\"\","
                        + "controller_namespace=\"\",controller_pod=\"\"} 1.0",
                "nginx_ingress_controller_orphan_ingress{controller_class=\"\",controller_namespace=\"\","
                        + "controller_pod=\"\",ingress=\"web\",namespace=\"shop\",type=\"no-endpoint\"} 1.0",
                "nginx_ingress_controller_build_info{build=\"\",controller_class=\"\",controller_namespace=\"\","
                        + "controller_pod=\"\",release=\"1.2.3\"",
                "linnet_routing_table_routes 1.0", "linnet_routing_table_version 1.0",
                "linnet_routing_table_build_seconds_count 1",
                "linnet_routing_table_publish_to_traffic_seconds_count 1");
        // Change to traffic is measured from the signal to the swap: a real duration, never zero.
        java.util.regex.Matcher sum = java.util.regex.Pattern
                .compile("linnet_routing_table_publish_to_traffic_seconds_sum (\\S+)").matcher(ok);
        assertThat(sum.find()).isTrue();
        assertThat(Double.parseDouble(sum.group(1))).isPositive();

        fail.set(true);
        loop.signal();
        await().until(() -> scrape().contains("nginx_ingress_controller_errors{controller_class=\"\","
                + "controller_namespace=\"\",controller_pod=\"\"} 1.0"));
        assertThat(scrape()).contains("nginx_ingress_controller_config_last_reload_successful{controller_class=\"\","
                + "controller_namespace=\"\",controller_pod=\"\"} 0.0", "linnet_routing_table_version 1.0");

        metrics.leaderElection(ControllerMetrics.DEFAULT_ELECTION_ID, true);
        assertThat(scrape()).contains("nginx_ingress_controller_leader_election_status{controller_class=\"\","
                + "controller_namespace=\"\",controller_pod=\"\",name=\"ingress-controller-leader\"} 1.0");
    }

    @Test
    void configHashIgnoresTheVersionAndFollowsTheContent() {
        assertThat(ControllerMetrics.hash(table().withVersion(1))).isEqualTo(ControllerMetrics.hash(table().withVersion(7)));
        assertThat(ControllerMetrics.hash(table())).isNotEqualTo(ControllerMetrics.hash(RouteTable.EMPTY));
    }

    private static final class SyncedSource implements Source {
        @Override
        public void start(Runnable onChange) {
        }

        @Override
        public boolean hasSynced() {
            return true;
        }

        @Override
        public ClusterState snapshot() {
            return ClusterState.EMPTY;
        }

        @Override
        public void close() {
        }
    }
}
