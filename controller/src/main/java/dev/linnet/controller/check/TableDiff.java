package dev.linnet.controller.check;

import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where two routing tables send traffic differently: Linnet's and the one built as ingress-nginx
 * would ({@code BuildOptions#asIngressNginx}), route by route (host, path, pathType, or the host's
 * fallback) and host by host (host policies). Routes are compared whole (backend and endpoints,
 * canaries and their rules, options, policies: all value types), so any change the other build
 * made shows, whichever code made it.
 */
final class TableDiff {

    private TableDiff() {
    }

    /**
     * One difference: a route or a host's policies.
     *
     * @param involved the Ingresses ({@code namespace/name}) of the route or host in either table:
     *     owners and canaries
     */
    record Diff(String what, Set<String> involved) {
    }

    /** Every difference, in host and path order. */
    static List<Diff> of(RouteTable linnet, RouteTable nginx) {
        Map<String, Route> a = routes(linnet);
        Map<String, Route> b = routes(nginx);
        List<Diff> out = new ArrayList<>();
        for (String key : union(a.keySet(), b.keySet())) {
            Route l = a.get(key);
            Route n = b.get(key);
            if (Objects.equals(l, n)) {
                continue;
            }
            Route any = l != null ? l : n;
            String what = where(any, key.endsWith(FALLBACK)) + ": Linnet " + describe(l) + "; ingress-nginx "
                    + describe(n);
            Set<String> involved = new LinkedHashSet<>();
            involved(l, involved);
            involved(n, involved);
            out.add(new Diff(what, involved));
        }
        Map<String, VirtualHost> hostsA = hosts(linnet);
        Map<String, VirtualHost> hostsB = hosts(nginx);
        for (String host : union(hostsA.keySet(), hostsB.keySet())) {
            VirtualHost l = hostsA.get(host);
            VirtualHost n = hostsB.get(host);
            Policies pl = l == null ? Policies.NONE : l.policies();
            Policies pn = n == null ? Policies.NONE : n.policies();
            if (pl.equals(pn)) {
                continue;
            }
            String what = "host " + host + ": Linnet's host policies " + steps(pl) + "; ingress-nginx's " + steps(pn);
            Set<String> involved = new LinkedHashSet<>();
            for (VirtualHost vh : new VirtualHost[] {l, n}) {
                if (vh != null) {
                    vh.routes().forEach(r -> involved(r, involved));
                }
            }
            out.add(new Diff(what, involved));
        }
        return out;
    }

    private static final String FALLBACK = "|fallback";

    private static Map<String, VirtualHost> hosts(RouteTable t) {
        Map<String, VirtualHost> out = new LinkedHashMap<>(t.exactHosts());
        out.putAll(t.wildcardHosts());
        out.put("_", t.defaultServer());
        return out;
    }

    /** Every route and fallback of {@code t}, by host and match (or host and {@code |fallback}). */
    static Map<String, Route> routes(RouteTable t) {
        Map<String, Route> out = new LinkedHashMap<>();
        hosts(t).forEach((host, vh) -> {
            for (Route r : vh.routes()) {
                out.put(host + '|' + r.match().type() + '|' + r.match().path(), r);
            }
            if (vh.fallback() != null) {
                out.put(host + FALLBACK, vh.fallback());
            }
        });
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void involved(Route r, Set<String> into) {
        if (r == null) {
            return;
        }
        into.add(r.namespace() + '/' + r.ingress());
        for (int i = 0; i < r.canaryCount(); i++) {
            into.add(r.canary(i).namespace() + '/' + r.canary(i).ingress());
        }
    }

    private static String where(Route r, boolean fallback) {
        if (fallback) {
            return "host " + r.host() + " (its spec.defaultBackend)";
        }
        PathMatch m = r.match();
        return "host " + r.host() + " path " + m.path() + " (" + m.type().name().charAt(0)
                + m.type().name().substring(1).toLowerCase(Locale.ROOT) + ")";
    }

    /** {@code Service app port 80 (2 endpoints), canary ns/c (Service app-v2 port 80; header X-Canary; weight 10/100), policies [basic-auth]}. */
    static String describe(Route r) {
        if (r == null) {
            return "has no such route (the request goes to the host's other paths or the default backend)";
        }
        StringBuilder sb = new StringBuilder("sends it to Service ").append(r.backend().service()).append(" port ")
                .append(r.backend().port()).append(" (").append(r.backend().endpoints().size()).append(" endpoints)");
        if (r.canaryCount() == 0) {
            sb.append(", no canary");
        }
        for (int i = 0; i < r.canaryCount(); i++) {
            sb.append(", canary ").append(canary(r.canary(i)));
        }
        if (!r.policies().isEmpty()) {
            sb.append(", policies ").append(steps(r.policies()));
        }
        return sb.toString();
    }

    private static String canary(CanaryRule c) {
        StringBuilder sb = new StringBuilder(c.namespace()).append('/').append(c.ingress()).append(" (Service ")
                .append(c.backend().service()).append(" port ").append(c.backend().port());
        if (c.header() != null) {
            sb.append("; header ").append(c.header());
            if (c.headerValue() != null) {
                sb.append(" = ").append(c.headerValue());
            } else if (c.headerPattern() != null) {
                sb.append(" ~ ").append(c.headerPattern().source());
            }
        }
        if (c.cookie() != null) {
            sb.append("; cookie ").append(c.cookie());
        }
        return sb.append("; weight ").append(c.weight()).append('/').append(c.weightTotal()).append(')').toString();
    }

    private static String steps(Policies policies) {
        List<String> names = new ArrayList<>();
        for (Policy p : policies.all()) {
            names.add(p.step().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return names.toString();
    }
}
