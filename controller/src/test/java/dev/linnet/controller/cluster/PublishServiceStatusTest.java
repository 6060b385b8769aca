package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterConfig;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.status.StatusOptions;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --publish-service and --update-status-on-shutdown, with one replica. */
class PublishServiceStatusTest {

    private final MockCluster cluster = new MockCluster();
    private final KubernetesClient kubectl = cluster.client();
    private ClusterServer linnet;

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        cluster.close();
    }

    @Test
    void statusFollowsThePublishServiceAndIsClearedOnShutdownWhenAsked() throws Exception {
        kubectl.services().resource(K8s.service("stable")).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", "app.example.com", "stable",
                Map.of())).create();
        kubectl.services().resource(new ServiceBuilder(K8s.service("linnet")).editSpec().withType("LoadBalancer")
                .endSpec().build()).create();
        setLoadBalancerIp("203.0.113.10");
        StatusOptions status = new StatusOptions("publish-test", NS, "linnet-p", NS + "/linnet", List.of(), true,
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(250));
        ClusterConfig base = Controllers.config("linnet-p", List.of(), false);
        linnet = ClusterServer.start(new ClusterConfig(null, List.of(), base.gateway(), 0, base.buildOptions(), status),
                cluster.client());

        await().atMost(Duration.ofSeconds(10)).until(() -> addresses().stream()
                .anyMatch(i -> "203.0.113.10".equals(i.getIp())));
        setLoadBalancerIp("203.0.113.20"); // the cloud gave the Service a new address: no rebuild needed
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses().stream()
                .anyMatch(i -> "203.0.113.20".equals(i.getIp())));
        assertThat(addresses()).hasSize(1);

        // --update-status-on-shutdown set: the leader clears what it wrote before it lets go.
        linnet.status().close();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> addresses().isEmpty());
    }

    private void setLoadBalancerIp(String ip) {
        kubectl.services().inNamespace(NS).withName("linnet").editStatus(s -> new ServiceBuilder(s)
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(ip).endIngress()
                .endLoadBalancer().endStatus().build());
    }

    private List<IngressLoadBalancerIngress> addresses() {
        Ingress i = kubectl.network().v1().ingresses().inNamespace(NS).withName("app").get();
        if (i.getStatus() == null || i.getStatus().getLoadBalancer() == null
                || i.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return i.getStatus().getLoadBalancer().getIngress();
    }
}
