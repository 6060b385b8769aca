package dev.linnet.controller.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterConfig;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.testing.RawHttp;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --configmap} in a cluster: the controller ConfigMap is watched, also when it lives outside
 * the watched namespaces (the chart's is in the release namespace), and edits apply without a
 * restart (annotations-spec.md §8.1, S6).
 */
class ClusterConfigMapTest {

    private static final String HOST = "app.example.com";
    private static final String CONTROLLER_NS = "linnet-system";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private KubernetesClient kubectl;
    private ClusterServer linnet;

    @BeforeEach
    void setUp() throws Exception {
        kubectl = cluster.client();
        int port = backends.start("app");
        kubectl.services().resource(K8s.service("app")).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice("app-a", "app", port, false)).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "app", Map.of())).create();
        setData(Map.of("proxy-body-size", "1k"));
        ClusterConfig base = Controllers.config("linnet-0", List.of(), false);
        ClusterConfig config = new ClusterConfig(null, List.of(K8s.NS), base.gateway(), 0,
                base.buildOptions().withConfigMap(new ConfigMapOptions(CONTROLLER_NS + "/linnet", base.gateway(),
                        Set.of())), base.statusOptions());
        linnet = ClusterServer.start(config, cluster.client());
    }

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        backends.close();
        cluster.close();
    }

    private void setData(Map<String, String> data) {
        kubectl.configMaps().inNamespace(CONTROLLER_NS).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("linnet").withNamespace(CONTROLLER_NS).endMetadata()
                .withData(data).build()).createOr(c -> c.update());
    }

    private int post(int bytes) throws Exception {
        return RawHttp.postStatus(linnet.httpPort(), HOST, bytes);
    }

    @Test
    void theWatchedConfigMapOutsideTheWatchedNamespacesAppliesAndItsEditsApplyLive() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> post(2048) == 413);

        setData(Map.of("proxy-body-size", "4k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> post(2048) == 200);
        assertThat(post(8192)).isEqualTo(413);

        kubectl.configMaps().inNamespace(CONTROLLER_NS).withName("linnet").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> post(8192) == 200); // the flags' 1m again
    }
}
