package dev.linnet.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.status.PublishAddress.Address;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The addresses ingress-nginx would publish for each kind of --publish-service. */
class PublishAddressTest {

    private static ServiceBuilder service(String type) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ingress").withName("linnet").endMetadata()
                .withNewSpec().withType(type).withClusterIP("10.96.0.10").endSpec();
    }

    @Test
    void loadBalancerPublishesItsIngressAndExternalIps() {
        Service lb = service("LoadBalancer").editSpec().withExternalIPs("198.51.100.7").endSpec()
                .withNewStatus().withNewLoadBalancer()
                    .addNewIngress().withIp("203.0.113.10").endIngress()
                    .addNewIngress().withHostname("lb.example.com").endIngress()
                .endLoadBalancer().endStatus().build();
        assertThat(PublishAddress.fromService(lb)).containsExactly(new Address(null, "lb.example.com"),
                new Address("198.51.100.7", null), new Address("203.0.113.10", null));
    }

    @Test
    void pendingLoadBalancerPublishesNothingYet() {
        assertThat(PublishAddress.fromService(service("LoadBalancer").build())).isEmpty();
    }

    @Test
    void otherTypesFallBackAsIngressNginxDoes() {
        assertThat(PublishAddress.fromService(service("ClusterIP").build()))
                .containsExactly(new Address("10.96.0.10", null));
        assertThat(PublishAddress.fromService(service("NodePort").build()))
                .containsExactly(new Address("10.96.0.10", null));
        assertThat(PublishAddress.fromService(service("NodePort").editSpec().withExternalIPs("198.51.100.7").endSpec()
                .build())).containsExactly(new Address("198.51.100.7", null));
        assertThat(PublishAddress.fromService(service("ExternalName").editSpec().withExternalName("edge.example.com")
                .endSpec().build())).containsExactly(new Address(null, "edge.example.com"));
        assertThat(PublishAddress.fromService(null)).isEmpty();
    }

    @Test
    void statusAddressesAreSplitSortedAndDeduplicated() {
        assertThat(PublishAddress.fromAddresses(List.of("10.0.0.2, lb.example.com", "10.0.0.1,10.0.0.2", "2001:db8::1")))
                .containsExactly(new Address(null, "lb.example.com"), new Address("10.0.0.1", null),
                        new Address("10.0.0.2", null), new Address("2001:db8::1", null));
    }
}
