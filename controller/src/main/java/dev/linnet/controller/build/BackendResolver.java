package dev.linnet.controller.build;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Service port → ready endpoints, once per (namespace, service, port as written) and build, so
 * that every route naming the same port shares one {@link Backend}:
 *
 * <pre>
 *   Ingress port (number or name) ─▶ ServicePort (by port number or by name)
 *     ─▶ EndpointSlices labelled kubernetes.io/service-name=&lt;svc&gt;, port named like the ServicePort
 *        (none exist for the Service? ─▶ the v1 Endpoints object of the same name)
 *     ─▶ addresses that are ready and not terminating, sorted, de-duplicated
 * </pre>
 *
 * A problem (no Service, no such port, ExternalName) still yields a Backend, without endpoints,
 * so its routes answer 503 instead of falling through to another route; zero ready endpoints
 * is normal during a rollout and is not a problem.
 */
final class BackendResolver {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private static final Comparator<Endpoint> ENDPOINT_ORDER =
            Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

    /** A backend and, when it could not be resolved fully, why (for a warning). */
    record Resolved(Backend backend, String problem) {
    }

    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, List<EndpointSlice>> slices = new HashMap<>();
    private final Map<String, Endpoints> endpoints = new HashMap<>();
    private final Map<List<String>, Resolved> cache = new HashMap<>();

    BackendResolver(ClusterState state) {
        for (Service s : state.services()) {
            if (hasName(s)) {
                services.putIfAbsent(key(s), s);
            }
        }
        for (EndpointSlice slice : state.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service != null) {
                slices.computeIfAbsent(namespace(slice) + '/' + service, k -> new ArrayList<>()).add(slice);
            }
        }
        for (Endpoints e : state.endpoints()) {
            if (hasName(e)) {
                endpoints.putIfAbsent(key(e), e);
            }
        }
    }

    /**
     * @param port the Ingress's service port as written: a number as a string, or a port name
     */
    Resolved resolve(String namespace, String service, String port) {
        return cache.computeIfAbsent(List.of(namespace, service, port), k -> doResolve(namespace, service, port));
    }

    /**
     * The backend of a Service's first port, as ingress-nginx's {@code default-backend} and
     * {@code --default-backend-service} take it; {@code null} when the Service or its ports are missing.
     */
    Resolved resolveFirstPort(String namespace, String service) {
        Service s = services.get(namespace + '/' + service);
        if (s == null || s.getSpec() == null || s.getSpec().getPorts() == null || s.getSpec().getPorts().isEmpty()
                || s.getSpec().getPorts().get(0).getPort() == null) {
            return null;
        }
        return resolve(namespace, service, String.valueOf(s.getSpec().getPorts().get(0).getPort()));
    }

    /**
     * {@code service-upstream}: the single endpoint is the Service's ClusterIP and port, so
     * kube-proxy balances (annotations-spec.md §6). A Service without one (headless, ExternalName,
     * missing) keeps its pod endpoints, as ingress-nginx does when {@code getServiceClusterEndpoint}
     * fails, with a warning.
     */
    Resolved resolveClusterIp(String namespace, String service, String port) {
        Endpoint cluster = clusterEndpoint(namespace, service, port);
        if (cluster != null) {
            return new Resolved(Backend.of(namespace, service, port, List.of(cluster)), null);
        }
        Resolved pods = resolve(namespace, service, port);
        return new Resolved(pods.backend(), pods.problem() != null ? pods.problem() : "Service " + namespace + '/'
                + service + " has no ClusterIP for port " + port + " (service-upstream); its pod endpoints are used");
    }

    /**
     * {@code old} against the current endpoints: a ClusterIP backend stays one (a pod address is
     * never the ClusterIP), any other gets the Service port's ready endpoints.
     */
    Backend rebind(Backend old) {
        Endpoint cluster = clusterEndpoint(old.namespace(), old.service(), old.port());
        if (cluster != null && old.endpoints().equals(List.of(cluster))) {
            return old;
        }
        return resolve(old.namespace(), old.service(), old.port()).backend();
    }

    /** The Service's ClusterIP and the port's number, or {@code null} when it has none. */
    private Endpoint clusterEndpoint(String namespace, String serviceName, String port) {
        Service service = services.get(namespace + '/' + serviceName);
        if (service == null || service.getSpec() == null || "ExternalName".equals(service.getSpec().getType())) {
            return null;
        }
        String ip = service.getSpec().getClusterIP();
        ServicePort servicePort = findPort(service, port);
        if (ip == null || ip.isEmpty() || "None".equals(ip) || servicePort == null || servicePort.getPort() == null) {
            return null;
        }
        return new Endpoint(ip, servicePort.getPort());
    }

    private Resolved doResolve(String namespace, String serviceName, String port) {
        String where = "Service " + namespace + '/' + serviceName;
        Service service = services.get(namespace + '/' + serviceName);
        if (service == null) {
            return empty(namespace, serviceName, port, where + " not found; requests to it get 503");
        }
        if (service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())) {
            return empty(namespace, serviceName, port,
                    where + ": ExternalName services are not supported yet; requests to it get 503");
        }
        ServicePort servicePort = findPort(service, port);
        if (servicePort == null) {
            return empty(namespace, serviceName, port, where + " has no port " + port + "; requests to it get 503");
        }
        String portName = Objects.requireNonNullElse(servicePort.getName(), "");
        IntOrString target = servicePort.getTargetPort();
        // Used only where an endpoint list gives no number for the port.
        int targetNumber = target == null ? servicePort.getPort()
                : target.getIntVal() != null ? target.getIntVal() : 0;

        TreeSet<Endpoint> ready = new TreeSet<>(ENDPOINT_ORDER);
        List<EndpointSlice> serviceSlices = slices.get(namespace + '/' + serviceName);
        if (serviceSlices != null) {
            serviceSlices.forEach(slice -> addReady(slice, portName, targetNumber, ready));
        } else {
            Endpoints legacy = endpoints.get(namespace + '/' + serviceName);
            if (legacy != null) {
                addReady(legacy, portName, ready);
            }
        }
        return new Resolved(Backend.of(namespace, serviceName, port, List.copyOf(ready)), null);
    }

    private static ServicePort findPort(Service service, String port) {
        if (service.getSpec() == null || service.getSpec().getPorts() == null) {
            return null;
        }
        for (ServicePort p : service.getSpec().getPorts()) {
            if (p.getPort() != null && port.equals(String.valueOf(p.getPort())) || port.equals(p.getName())) {
                return p;
            }
        }
        return null;
    }

    private static void addReady(EndpointSlice slice, String portName, int targetNumber, TreeSet<Endpoint> out) {
        if (slice.getPorts() == null || slice.getEndpoints() == null) {
            return;
        }
        for (var slicePort : slice.getPorts()) {
            if (!portName.equals(Objects.requireNonNullElse(slicePort.getName(), ""))) {
                continue;
            }
            // A nil port in a slice means "all ports": the Service's targetPort then applies.
            int number = slicePort.getPort() != null ? slicePort.getPort() : targetNumber;
            for (var endpoint : slice.getEndpoints()) {
                if (isServing(endpoint.getConditions()) && endpoint.getAddresses() != null) {
                    endpoint.getAddresses().forEach(a -> add(a, number, out));
                }
            }
        }
    }

    /** Ready unless it says otherwise (nil ready means ready), and not terminating. */
    private static boolean isServing(EndpointConditions c) {
        return c == null || !Boolean.FALSE.equals(c.getReady()) && !Boolean.TRUE.equals(c.getTerminating());
    }

    private static void addReady(Endpoints legacy, String portName, TreeSet<Endpoint> out) {
        if (legacy.getSubsets() == null) {
            return;
        }
        for (EndpointSubset subset : legacy.getSubsets()) {
            if (subset.getPorts() == null || subset.getAddresses() == null) {
                continue; // notReadyAddresses are never used
            }
            for (EndpointPort p : subset.getPorts()) {
                if (p.getPort() != null && portName.equals(Objects.requireNonNullElse(p.getName(), ""))) {
                    for (EndpointAddress a : subset.getAddresses()) {
                        add(a.getIp(), p.getPort(), out);
                    }
                }
            }
        }
    }

    private static void add(String address, int port, TreeSet<Endpoint> out) {
        if (address != null && !address.isEmpty() && port >= 1 && port <= 65535) {
            out.add(new Endpoint(address, port));
        }
    }

    private static Resolved empty(String namespace, String service, String port, String problem) {
        return new Resolved(Backend.of(namespace, service, port, List.of()), problem);
    }

    private static boolean hasName(HasMetadata o) {
        return o.getMetadata() != null && o.getMetadata().getName() != null;
    }

    private static String key(HasMetadata o) {
        return namespace(o) + '/' + o.getMetadata().getName();
    }

    static String namespace(HasMetadata o) {
        String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }
}
