package dev.linnet.controller.build;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.policy.AppRoot;
import dev.linnet.gateway.policy.HostForbidden;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.WwwRedirect;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A VirtualHost under construction. Routes are kept in the order they were added (oldest
 * Ingress first), which {@link VirtualHost}'s stable sort keeps for equal keys; the index by
 * (path, pathType) serves both the duplicate check and canary attachment.
 */
final class HostBuilder {

    private final HostRef host;
    private final List<Route> routes = new ArrayList<>();
    private final Map<PathMatch, Integer> index = new HashMap<>();
    private Route fallback;
    private boolean regex;
    private Policy clientCertificates; // the first Ingress's ClientCertAuth (ClientCertProcessor)
    private HostForbidden forbidden; // any Ingress's unusable auth-tls: the host answers 403
    private AppRoot appRoot; // the first Ingress's app-root (ServerProcessor)
    private List<String> aliases = List.of(); // the first Ingress's server-alias names
    private IngressEntry aliasesOwner;
    private WwwRedirect twin; // a from-to-www-redirect twin: every request goes to the other name
    private String serverSnippetOwner; // the Ingress whose server-snippet applies to every route, or null
    private List<Policy> serverSnippet = List.of();

    HostBuilder(HostRef host) {
        this.host = host;
    }

    HostRef host() {
        return host;
    }

    /** The route with exactly this path string and pathType, or {@code null}. */
    Route find(PathMatch match) {
        Integer i = index.get(match);
        return i == null ? null : routes.get(i);
    }

    void add(Route route) {
        index.put(route.match(), routes.size());
        routes.add(route);
    }

    /** Replaces the route with the same match (to attach a canary). */
    void replace(Route route) {
        routes.set(index.get(route.match()), route);
    }

    /** Whether an Ingress of this host set use-regex or rewrite-target (RegexProcessor). */
    boolean regex() {
        return regex;
    }

    void regex(boolean on) {
        regex = on;
    }

    /** Every route, in insertion order (for RegexProcessor). */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Replaces every route (RegexProcessor; the index by original match is no longer needed then). */
    void replaceAll(List<Route> replaced) {
        routes.clear();
        index.clear();
        replaced.forEach(this::add);
    }

    Route fallback() {
        return fallback;
    }

    void fallback(Route route) {
        this.fallback = route;
    }

    /**
     * An Ingress's {@code auth-tls-*} for this host, oldest first: the first client-certificate
     * setting wins, and any Ingress's unusable one makes the whole host 403 (auth-limits-spec.md §4).
     *
     * @return whether {@code policy} was taken (false: the host already has a setting)
     */
    boolean clientCertificates(Policy policy) {
        if (policy instanceof HostForbidden f) {
            if (forbidden == null) {
                forbidden = f;
            }
            return true;
        }
        if (clientCertificates != null) {
            return false;
        }
        clientCertificates = policy;
        return true;
    }

    /** {@code app-root} for the whole host; the first Ingress's wins (false: already set). */
    boolean appRoot(AppRoot root) {
        if (appRoot != null) {
            return appRoot.equals(root);
        }
        appRoot = root;
        return true;
    }

    /** {@code server-alias} names for this host; the first Ingress's win (false: already set). */
    boolean aliases(List<String> names, IngressEntry owner) {
        if (aliasesOwner != null) {
            return false;
        }
        aliases = List.copyOf(names);
        aliasesOwner = owner;
        return true;
    }

    List<String> aliases() {
        return aliases;
    }

    /** The Ingress whose {@code server-alias} this host took, or {@code null}. */
    IngressEntry aliasesOwner() {
        return aliasesOwner;
    }

    /** Makes this host the www twin of {@code target} ({@code from-to-www-redirect}). */
    void twinOf(String target) {
        twin = new WwwRedirect(target);
    }

    boolean isTwin() {
        return twin != null;
    }

    /**
     * An Ingress's {@code server-snippet} policies, oldest first: the first wins, as ingress-nginx
     * writes one server block per host.
     *
     * @return the Ingress whose snippet the host already has, or {@code null} when {@code policies} were taken
     */
    String serverSnippet(String ingress, List<Policy> policies) {
        if (policies.isEmpty()) {
            return null;
        }
        if (serverSnippetOwner != null) {
            return serverSnippetOwner;
        }
        serverSnippetOwner = ingress;
        serverSnippet = policies;
        return null;
    }

    VirtualHost build() {
        List<Policy> hostPolicies = new ArrayList<>(3);
        if (twin != null) {
            hostPolicies.add(twin);
        }
        Policy access = forbidden != null ? forbidden : clientCertificates;
        if (access != null) {
            hostPolicies.add(access);
        }
        if (appRoot != null) {
            hostPolicies.add(appRoot);
        }
        Policies hostLevel = Policies.of(hostPolicies);
        if (!serverSnippet.isEmpty()) { // every location of the host
            List<Route> withSnippet = new ArrayList<>(routes.size());
            for (Route r : routes) {
                withSnippet.add(withPolicies(r, serverSnippet));
            }
            return new VirtualHost(host.name(), withSnippet, fallback == null ? null : withPolicies(fallback,
                    serverSnippet), hostLevel);
        }
        return new VirtualHost(host.name(), routes, fallback, hostLevel);
    }

    /**
     * A route with the host's server-snippet policies. Its {@code allow}/{@code deny} rules are
     * nginx's server-level ones: inherited by every location of the host (other Ingresses' too)
     * unless the location has access rules of its own (an allow/deny list annotation, a
     * configuration-snippet {@code allow}/{@code deny}), which replace them.
     */
    private static Route withPolicies(Route r, List<Policy> more) {
        if (r.policies().find(AccessList.class) != null || r.policies().find(AccessRules.class) != null) {
            more = more.stream().filter(p -> !(p instanceof AccessRules)).toList();
        }
        return r.withPolicies(r.policies().with(more));
    }
}
