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
    void eachHostsOwnCertificateReportsItsExpiry() {
        var shop = dev.linnet.gateway.testing.TestCertificates.issue(
                dev.linnet.gateway.testing.TestCertificates.KeyFormat.PKCS8_EC, java.time.Instant.now().minusSeconds(60),
                java.time.Instant.parse("2030-01-02T03:04:05Z"), "shop", "shop.example.com", "*.shop.example.com");
        var cert = dev.linnet.gateway.tls.TlsCertificate.fromPem("shop/shop-tls", shop.certificatePem(), shop.keyPem());
        RouteTable t = table();
        RouteTable withTls = new RouteTable(0, t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new dev.linnet.gateway.tls.CertificateTable(Map.of("shop.example.com", cert),
                        Map.of("shop.example.com", cert), java.util.Set.of("shop.example.com", "*.shop.example.com"), null));
        loop = ControlLoop.start(new SyncedSource(), state -> new BuildResult(fail.get() ? table() : withTls, List.of()),
                holder).metrics(metrics);
        loop.signal();
        String expiry = "nginx_ingress_controller_ssl_expire_time_seconds{controller_class=\"\",controller_namespace=\"\","
                + "controller_pod=\"\",host=\"%s\",secret_name=\"shop-tls\"} 1.893553445E9";
        await().until(() -> scrape().contains(expiry.formatted("shop.example.com")));
        assertThat(scrape()).contains(expiry.formatted("*.shop.example.com"));
        assertThat(ControllerMetrics.hash(withTls)).isNotEqualTo(ControllerMetrics.hash(table()));

        fail.set(true); // the next table has no certificates: their series go
        loop.signal();
        await().until(() -> !scrape().contains("host=\"shop.example.com\",secret_name"));
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
