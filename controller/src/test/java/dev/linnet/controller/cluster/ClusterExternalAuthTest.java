package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static dev.linnet.controller.cluster.K8s.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.gateway.testing.AuthService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * External auth in cluster mode: the ConfigMap an Ingress names in {@code auth-proxy-set-headers}
 * is watched (ConfigMap informer, relevance, RBAC), and an edit reaches the auth subrequest.
 */
class ClusterExternalAuthTest {

    private static final String HOST = "auth.example.com";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private AuthService auth;
    private ClusterServer linnet;

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        if (auth != null) {
            auth.close();
        }
        backends.close();
        cluster.close();
    }

    private static ConfigMap headers(String value) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName("auth-headers").endMetadata()
                .addToData("X-Tenant", value).build();
    }

    private int get() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + linnet.httpPort() + "/"))
                .header("Host", HOST).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void theNamedConfigMapIsWatchedAndItsEditReachesTheSubrequest() throws Exception {
        auth = AuthService.start();
        KubernetesClient kubectl = cluster.client();
        int app = backends.start("app");
        kubectl.services().resource(K8s.service("app")).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice("app-a", "app", app, false)).create();
        kubectl.configMaps().resource(headers("one")).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "app", Map.of(
                PREFIX + "auth-url", "http://127.0.0.1:" + auth.port() + "/check",
                PREFIX + "auth-proxy-set-headers", NS + "/auth-headers"))).create();
        linnet = Controllers.start(cluster.client(), "linnet-0");

        await().atMost(Duration.ofSeconds(10)).until(() -> get() == 200);
        assertThat(auth.last().header("X-Tenant")).isEqualTo("one");

        kubectl.configMaps().resource(headers("two")).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> get() == 200 && "two".equals(auth.last().header("X-Tenant")));

        kubectl.configMaps().inNamespace(NS).withName("auth-headers").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> get() == 503); // a missing ConfigMap denies, never opens
    }
}
