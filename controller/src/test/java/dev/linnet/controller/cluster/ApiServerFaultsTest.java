package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.source.ClusterSource;
import dev.linnet.controller.source.LogCapture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 3 item 5: the API server goes away, comes back; RBAC refuses one resource. */
class ApiServerFaultsTest {

    private static final String HOST = "app.example.com";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private final KubernetesClient kubectl = cluster.client();
    private ClusterServer linnet;

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        backends.close();
        cluster.close();
    }

    private void apply(String service, String ingress, String host) {
        int port = backends.start(service);
        kubectl.services().resource(K8s.service(service)).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice(service + "-a", service, port, false)).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress(ingress, "linnet", host, service, Map.of())).create();
    }

    @Test
    void trafficFlowsWhileTheApiServerIsDownAndChangesFlowAgainAfterItReturns() throws Exception {
        apply("stable", "app", HOST);
        linnet = Controllers.start(cluster.client(), "linnet-0");
        Traffic probe = new Traffic(linnet.httpPort(), HOST);
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.get().equals("stable"));

        try (Traffic load = new Traffic(linnet.httpPort(), HOST).startContinuous()) {
            cluster.stop();
            long before = load.sent();
            await().atMost(Duration.ofSeconds(20)).until(() -> load.sent() > before + 100);
            assertThat(readyz()).isEqualTo(200);

            cluster.restart();
            // The informers reconnect (relisting if their resourceVersion is too old) by themselves.
            kubectl.network().v1().ingresses().resource(K8s.ingress("second", "linnet", "second.example.com",
                    "stable", Map.of())).create();
            Traffic second = new Traffic(linnet.httpPort(), "second.example.com");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.get().equals("stable"));

            load.close();
            assertThat(load.failures()).isEmpty();
        }
    }

    @Test
    void missingRbacForOneResourceIsOneClearLogLineAndHealsWhenGranted() throws Exception {
        apply("stable", "app", HOST);
        cluster.forbid("GET", "/apis/discovery.k8s.io/v1/endpointslices");
        try (LogCapture log = LogCapture.of(ClusterSource.class)) {
            linnet = Controllers.start(cluster.client(), "linnet-0");
            // fabric8 retries with backoff; wait for several refusals, then count the lines.
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.requests().stream()
                    .filter(r -> r.getPath().startsWith("/apis/discovery.k8s.io/v1/endpointslices")).count() >= 3);
            assertThat(log.messages(Level.ERROR)).containsExactly(
                    "cannot list discovery.k8s.io/v1 endpointslices in all namespaces: forbidden "
                            + "(RBAC: grant list,watch); retrying");
            assertThat(linnet.source().hasSynced()).isFalse();
            assertThat(readyz()).as("not ready before the first table").isEqualTo(503);

            cluster.allowAll(); // the ClusterRole is fixed: no restart needed
            Traffic probe = new Traffic(linnet.httpPort(), HOST);
            await().atMost(Duration.ofSeconds(40)).until(() -> probe.get().equals("stable"));
            assertThat(readyz()).isEqualTo(200);
            assertThat(log.messages(Level.ERROR)).hasSize(1);
        }
    }

    @Test
    void noAccessToSecretsDoesNotHoldBackRouting() throws Exception {
        apply("stable", "app", HOST);
        cluster.forbid("GET", "/api/v1/secrets");
        try (LogCapture log = LogCapture.of(ClusterSource.class)) {
            linnet = Controllers.start(cluster.client(), "linnet-0");
            Traffic probe = new Traffic(linnet.httpPort(), HOST);
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.get().equals("stable"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.messages(Level.ERROR).isEmpty());
            assertThat(log.messages(Level.ERROR)).containsExactly(
                    "cannot list v1 secrets in all namespaces: forbidden (RBAC: grant list,watch); retrying");
        }
    }

    private int readyz() throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + linnet.adminPort() + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }
}
