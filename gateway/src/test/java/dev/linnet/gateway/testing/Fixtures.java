package dev.linnet.gateway.testing;

import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tiny builders for hand-made routing tables. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Backend backend(String service, TestBackend... servers) {
        return Backend.of("default", service, "80", Arrays.stream(servers).map(TestBackend::endpoint).toList());
    }

    public static Backend backend(String service, List<Endpoint> endpoints) {
        return Backend.of("default", service, "80", endpoints);
    }

    /** An endpoint on loopback whose port was just closed again: connections to it are refused. */
    public static Endpoint refusingEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new Endpoint("127.0.0.1", s.getLocalPort());
        }
    }

    public static Route route(String host, String path, Backend main) {
        return new Route("default", "main", host, PathMatch.prefix(path), main, null);
    }

    /** A route whose pods speak {@code protocol} (the {@code backend-protocol} annotation). */
    public static Route route(String host, String path, Backend main, BackendProtocol protocol) {
        return new Route("default", "main", host, PathMatch.prefix(path), main, null,
                new RouteOptions(protocol, null, null, null, -1, -1));
    }

    /** {@code route} with {@code proxy-request-buffering: off}: request bodies stream to the pod as they come. */
    public static Route streamingBodies(Route route) {
        return new Route(route.namespace(), route.ingress(), route.host(), route.match(), route.backend(),
                route.canary(), route.options().withRequestBuffering(false), route.policies());
    }

    /** {@code route} with {@code policies} (what the builder attaches from annotations). */
    public static Route withPolicies(Route route, Policy... policies) {
        return new Route(route.namespace(), route.ingress(), route.host(), route.match(), route.backend(),
                route.canary(), route.options(), Policies.of(policies));
    }

    /** A canary rule builder in the spirit of the annotations: all absent, weight 0 of 100. */
    public static Canary canary(Backend backend) {
        return new Canary(backend);
    }

    /** A table from routes; routes with host "_" go to the default server. */
    public static RouteTable table(Route... routes) {
        Map<String, List<Route>> exact = new HashMap<>();
        Map<String, List<Route>> wildcard = new HashMap<>();
        List<Route> fallback = new java.util.ArrayList<>();
        for (Route r : routes) {
            if (r.host().equals(VirtualHost.DEFAULT_SERVER)) {
                fallback.add(r);
            } else if (r.host().startsWith("*.")) {
                wildcard.computeIfAbsent(r.host().substring(2), h -> new java.util.ArrayList<>()).add(r);
            } else {
                exact.computeIfAbsent(r.host(), h -> new java.util.ArrayList<>()).add(r);
            }
        }
        Map<String, VirtualHost> exactHosts = new HashMap<>();
        exact.forEach((h, rs) -> exactHosts.put(h, new VirtualHost(h, rs, null)));
        Map<String, VirtualHost> wildcardHosts = new HashMap<>();
        wildcard.forEach((h, rs) -> wildcardHosts.put(h, new VirtualHost("*." + h, rs, null)));
        return new RouteTable(1, exactHosts, wildcardHosts, new VirtualHost(VirtualHost.DEFAULT_SERVER, fallback, null));
    }

    public static final class Canary {
        private final Backend backend;
        private String header;
        private String headerValue;
        private HeaderPattern headerPattern;
        private String cookie;
        private int weight;
        private int weightTotal = 100;

        private Canary(Backend backend) {
            this.backend = backend;
        }

        public Canary header(String name) {
            header = name;
            return this;
        }

        public Canary headerValue(String value) {
            headerValue = value;
            return this;
        }

        public Canary headerPattern(String pattern) {
            headerPattern = HeaderPattern.of(pattern);
            return this;
        }

        public Canary cookie(String name) {
            cookie = name;
            return this;
        }

        public Canary weight(int w, int total) {
            weight = w;
            weightTotal = total;
            return this;
        }

        public CanaryRule build() {
            return new CanaryRule("default", "canary", backend, header, headerValue, headerPattern, cookie, weight,
                    weightTotal);
        }
    }
}
