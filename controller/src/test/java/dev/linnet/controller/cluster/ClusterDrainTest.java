package dev.linnet.controller.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode's graceful shutdown: readiness off at once, and the control plane keeps running
 * through the drain (an EndpointSlice change still reaches the traffic being drained).
 */
class ClusterDrainTest {

    private static final String HOST = "app.example.com";
    private static final Duration DELAY = Duration.ofSeconds(10); // long enough to change a slice within

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private final HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KubernetesClient kubectl;
    private ClusterServer linnet;

    @BeforeEach
    void setUp() throws Exception {
        kubectl = cluster.client();
        int stable = backends.start("stable");
        kubectl.services().resource(K8s.service("stable")).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice("stable-a", "stable", stable, false)).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "stable", Map.of())).create();
        linnet = Controllers.start(cluster.client(), "linnet-0");
    }

    @AfterEach
    void tearDown() {
        linnet.close();
        backends.close();
        cluster.close();
    }

    @Test
    void readinessFailsAtOnceAndEndpointChangesStillApplyWhileDraining() throws Exception {
        Traffic probe = new Traffic(linnet.httpPort(), HOST);
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.get().equals("stable"));
        assertThat(readyz()).isEqualTo(200);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                linnet.shutdownGracefully(DELAY, Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> readyz() == 503);

        int replacement = backends.start("stable-b");
        kubectl.discovery().v1().endpointSlices()
                .resource(K8s.slice("stable-a", "stable", replacement, false)).update();
        await().atMost(DELAY.minusSeconds(2)).until(() -> probe.get().equals("stable-b"));
        assertThat(stopped).as("still within the delay").isNotDone();

        stopped.get(DELAY.toSeconds() + 20, TimeUnit.SECONDS);
        assertThat(refused(linnet.httpPort())).isTrue();
    }

    private int readyz() {
        try {
            return admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + linnet.adminPort() + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
