package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Service port and its ready endpoints. {@link #name()} is ingress-nginx's upstream name,
 * {@code <namespace>-<service>-<port>}, which is also what the {@code canary} metric label carries.
 *
 * <p>Equality is by value (name, service coordinates, endpoints) so that two builds of the same
 * objects compare equal; the round-robin cursor is runtime state and takes no part in it.
 */
public final class Backend {

    private final String name;
    private final String namespace;
    private final String service;
    private final String port;
    private final List<Endpoint> endpoints;
    private final Endpoint[] ring;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile ConcurrentHashMap<Object, Object> derived; // null until a policy derives something

    private Backend(String namespace, String service, String port, List<Endpoint> endpoints) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.service = requireNonNull(service, "service");
        this.port = requireNonNull(port, "port");
        this.endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        this.ring = this.endpoints.toArray(Endpoint[]::new);
        this.name = namespace + '-' + service + '-' + port;
    }

    /**
     * @param port the Service port as the Ingress names it: a number or a port name
     * @param endpoints ready endpoints, in a stable order (the builder sorts them)
     */
    public static Backend of(String namespace, String service, String port, List<Endpoint> endpoints) {
        return new Backend(namespace, service, port, endpoints);
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public String service() {
        return service;
    }

    public String port() {
        return port;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public boolean hasEndpoints() {
        return ring.length > 0;
    }

    /**
     * The endpoint after the one handed out last (round-robin across all event loops), or
     * {@code null} when the backend has no ready endpoint.
     */
    public Endpoint nextEndpoint() {
        Endpoint[] r = ring;
        if (r.length == 0) {
            return null;
        }
        if (r.length == 1) {
            return r[0];
        }
        return r[Math.floorMod(cursor.getAndIncrement(), r.length)];
    }

    /**
     * How fit an endpoint is for one request's next attempt: 0 is a perfect pick, a higher
     * number a worse one (tried already, skipped by the passive health check …).
     */
    @FunctionalInterface
    public interface Fitness {
        int rank(int index, Endpoint endpoint);
    }

    /**
     * The index of the first endpoint of rank 0 in round-robin order (the cursor advances once,
     * as for {@link #nextEndpoint()}), else of the lowest-ranked one after it; -1 when the backend
     * has no endpoint. A first attempt with nothing skipped stops at the first look.
     */
    public int nextIndex(Fitness fitness) {
        Endpoint[] r = ring;
        int n = r.length;
        if (n == 0) {
            return -1;
        }
        int start = n == 1 ? 0 : Math.floorMod(cursor.getAndIncrement(), n);
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (int k = 0, i = start; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
            int rank = fitness.rank(i, r[i]);
            if (rank == 0) {
                return i;
            }
            if (rank < bestRank) {
                best = i;
                bestRank = rank;
            }
        }
        return best;
    }

    /**
     * What a policy derives from this backend's endpoints (sticky keys, a hash ring): computed on
     * the first request that needs it, then shared by every event loop for the life of this
     * routing table (a new table has new backends). A backend no policy asks about never pays.
     */
    public <T> T derived(Object key, Function<Backend, T> compute) {
        ConcurrentHashMap<Object, Object> d = derived;
        if (d == null) {
            synchronized (this) {
                d = derived;
                if (d == null) {
                    derived = d = new ConcurrentHashMap<>(4);
                }
            }
        }
        @SuppressWarnings("unchecked")
        T value = (T) d.computeIfAbsent(key, k -> compute.apply(this));
        return value;
    }

    /** The endpoint at {@code index} of {@link #endpoints()}. */
    public Endpoint endpoint(int index) {
        return ring[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backend b
                && name.equals(b.name)
                && namespace.equals(b.namespace)
                && service.equals(b.service)
                && port.equals(b.port)
                && endpoints.equals(b.endpoints);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + endpoints.hashCode();
    }

    @Override
    public String toString() {
        return name + endpoints;
    }
}
