package dev.linnet.controller.build;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster objects a routing table is built from, as a source (files or informers) last saw
 * them. The builder reads it and never changes it. Order carries no meaning: the builder sorts.
 *
 * @param secrets Secrets of any type: TLS ones ({@code spec.tls[].secretName},
 *     {@code --default-ssl-certificate}; another type named there is warned about) and those of
 *     {@code auth-secret} annotations (usually Opaque)
 * @param configMaps ConfigMaps an annotation names ({@code auth-proxy-set-headers})
 */
public record ClusterState(
        List<Ingress> ingresses,
        List<IngressClass> ingressClasses,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<Endpoints> endpoints,
        List<Secret> secrets,
        List<ConfigMap> configMaps) {

    public static final ClusterState EMPTY = new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());

    public ClusterState {
        ingresses = List.copyOf(ingresses);
        ingressClasses = List.copyOf(ingressClasses);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        endpoints = List.copyOf(endpoints);
        secrets = List.copyOf(secrets);
        configMaps = List.copyOf(configMaps);
    }

    /** A state without ConfigMaps. */
    public ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                        List<EndpointSlice> endpointSlices, List<Endpoints> endpoints, List<Secret> secrets) {
        this(ingresses, ingressClasses, services, endpointSlices, endpoints, secrets, List.of());
    }

    /** A state without Secrets. */
    public ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                        List<EndpointSlice> endpointSlices, List<Endpoints> endpoints) {
        this(ingresses, ingressClasses, services, endpointSlices, endpoints, List.of());
    }

    /**
     * Sorts objects into a state by kind.
     *
     * @throws IllegalArgumentException for an object of a kind the builder does not read
     */
    public static ClusterState of(Iterable<? extends HasMetadata> objects) {
        List<Ingress> ingresses = new ArrayList<>();
        List<IngressClass> classes = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        List<Endpoints> endpoints = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        List<ConfigMap> configMaps = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Ingress i) {
                ingresses.add(i);
            } else if (o instanceof IngressClass c) {
                classes.add(c);
            } else if (o instanceof Service s) {
                services.add(s);
            } else if (o instanceof EndpointSlice s) {
                slices.add(s);
            } else if (o instanceof Endpoints e) {
                endpoints.add(e);
            } else if (o instanceof Secret s) {
                secrets.add(s);
            } else if (o instanceof ConfigMap c) {
                configMaps.add(c);
            } else {
                throw new IllegalArgumentException("kind: " + o.getKind()
                        + " (expected: Ingress, IngressClass, Service, EndpointSlice, Endpoints, Secret or ConfigMap)");
            }
        }
        return new ClusterState(ingresses, classes, services, slices, endpoints, secrets, configMaps);
    }
}
