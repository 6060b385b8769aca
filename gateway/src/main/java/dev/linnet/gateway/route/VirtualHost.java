package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.Policies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The routes of one host (or of the default server {@code _}), in match order: every
 * {@code Exact} route before every {@code Prefix} route, longer prefixes first, and for equal
 * keys the order the builder gave (older Ingress first). This is the order in which nginx
 * would pick {@code location = /p} and {@code location /p} blocks. {@code Regex} routes sort
 * with the prefixes by the length of their path string, longest first, as ingress-nginx writes
 * its {@code location ~*} blocks; the builder never mixes regex and prefix routes in one host
 * (use-regex turns every path of the host into a regex).
 *
 * @param fallback served when no path matches: the {@code spec.defaultBackend} of the Ingress
 *     that defined this host, or of the catch-all Ingress for {@code _}; {@code null} means the
 *     built-in 404
 * @param policies the host's own policies, run in the SERVER stage before any location is chosen
 *     (client certificates: {@code auth-tls-*} is per host in ingress-nginx, auth-limits-spec.md §4),
 *     so they also answer paths no route matches; {@link Policies#NONE} for most hosts
 */
public record VirtualHost(String name, List<Route> routes, Route fallback, Policies policies) {

    public static final String DEFAULT_SERVER = "_";

    private static final Comparator<Route> MATCH_ORDER = Comparator
            .comparing((Route r) -> r.match().type() == PathType.EXACT ? 0 : 1)
            .thenComparing(r -> -r.match().prefixLength());

    public VirtualHost {
        requireNonNull(name, "name");
        List<Route> sorted = new ArrayList<>(requireNonNull(routes, "routes"));
        sorted.sort(MATCH_ORDER); // stable: ties keep the builder's (age) order
        routes = List.copyOf(sorted);
        requireNonNull(policies, "policies");
    }

    /** A host without host-level policies. */
    public VirtualHost(String name, List<Route> routes, Route fallback) {
        this(name, routes, fallback, Policies.NONE);
    }

    /**
     * The first route matching {@code path}, else {@link #fallback()} (which may be null).
     *
     * @throws PathRegexException when a regex route before the first match cannot tell: the
     *     lookup stops there, as nginx's does (500), rather than fall through to a later route
     */
    public Route match(String path) {
        List<Route> r = routes;
        for (int i = 0, n = r.size(); i < n; i++) {
            Route route = r.get(i);
            if (route.match().matches(path)) {
                return route;
            }
        }
        return fallback;
    }
}
