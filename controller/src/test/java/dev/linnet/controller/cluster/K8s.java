package dev.linnet.controller.cluster;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.Map;

/** The objects a user would kubectl apply, built with fabric8's builders. */
final class K8s {

    static final String NS = "default";
    static final String PREFIX = "nginx.ingress.kubernetes.io/";

    private K8s() {
    }

    static Ingress ingress(String name, String className, String host, String service, Map<String, String> annotations) {
        return new IngressBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                    .withIngressClassName(className)
                    .addNewRule().withHost(host).withNewHttp()
                        .addNewPath().withPath("/").withPathType("Prefix")
                            .withNewBackend().withNewService().withName(service)
                                .withNewPort().withNumber(80).endPort().endService().endBackend()
                        .endPath()
                    .endHttp().endRule()
                .endSpec()
                .build();
    }

    static Service service(String name) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec()
                .build();
    }

    /** One slice of {@code service}: 127.0.0.1 on {@code port}, ready or terminating. */
    static EndpointSlice slice(String name, String service, int port, boolean terminating) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                    .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1")
                    .withNewConditions().withReady(!terminating).withServing(true).withTerminating(terminating)
                    .endConditions()
                .endEndpoint()
                .build();
    }
}
