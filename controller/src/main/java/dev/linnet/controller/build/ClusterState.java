package dev.linnet.controller.build;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;

/**
 * The cluster objects a routing table is built from, as a source (files or informers) last saw
 * them. The builder reads it and never changes it. Order carries no meaning: the builder sorts.
 */
public record ClusterState(
        List<Ingress> ingresses,
        List<IngressClass> ingressClasses,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<Endpoints> endpoints) {

    public static final ClusterState EMPTY = new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());

    public ClusterState {
        ingresses = List.copyOf(ingresses);
        ingressClasses = List.copyOf(ingressClasses);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        endpoints = List.copyOf(endpoints);
    }
}
