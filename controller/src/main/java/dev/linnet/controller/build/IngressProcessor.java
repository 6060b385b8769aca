package dev.linnet.controller.build;

import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * First processor: every non-canary Ingress, oldest first, claims its hosts and paths
 * (ingress-nginx's {@code createServers} and location loop, canary-spec.md §2).
 *
 * <ul>
 *   <li>A (host, path, pathType) already claimed stays with the older Ingress; the later one
 *       gets a warning and loses only that path.</li>
 *   <li>{@code spec.defaultBackend} without rules is the catch-all: the fallback of the default
 *       server {@code _}; the oldest wins.</li>
 *   <li>{@code spec.defaultBackend} with rules becomes the fallback (nginx's root location) of
 *       the named hosts it defines that have none yet. It does not touch {@code _}: there
 *       ingress-nginx keeps the catch-all (or its 404) as root whatever host-less rules say.</li>
 * </ul>
 */
final class IngressProcessor {

    private IngressProcessor() {
    }

    static void process(BuildContext ctx, IngressEntry ingress) {
        IngressSpec spec = ingress.spec();
        List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
        Consumer<String> warn = m -> ctx.warn(ingress, m);
        if (rules.isEmpty()) {
            if (spec.getDefaultBackend() != null) {
                catchAll(ctx, ingress, spec.getDefaultBackend());
            }
            return;
        }
        Set<HostBuilder> defined = new LinkedHashSet<>();
        for (IngressRule rule : rules) {
            HostRef host = HostRef.of(rule.getHost(), warn);
            if (host != null && spec.getDefaultBackend() != null && (rule.getHttp() == null
                    || rule.getHttp().getPaths() == null)) {
                defined.add(ctx.host(host)); // only its root: the Ingress's spec.defaultBackend (D13)
                continue;
            }
            if (host == null || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                continue; // a host without http block: nothing to route (ingress-nginx would nil-deref)
            }
            HostBuilder hb = ctx.host(host);
            defined.add(hb);
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                addPath(ctx, ingress, hb, path);
            }
            String owner = hb.serverSnippet(ingress.key(), ingress.policies().server());
            if (owner != null && !owner.equals(ingress.key())) {
                ctx.warn(ingress, "host " + host.name() + ": server-snippet already given by Ingress " + owner
                        + "; ignored here (one server block per host, the oldest Ingress's)");
            }
        }
        if (spec.getDefaultBackend() != null) {
            IngressPaths.ServiceRef ref = IngressPaths.service(spec.getDefaultBackend(), "spec.defaultBackend", warn);
            if (ref == null) {
                return;
            }
            for (HostBuilder hb : defined) {
                if (hb.host().kind() != HostRef.Kind.DEFAULT && hb.fallback() == null) {
                    hb.fallback(fallback(ctx, ingress, hb, ctx.backend(ingress, ref)));
                }
            }
        }
    }

    private static void addPath(BuildContext ctx, IngressEntry ingress, HostBuilder hb, HTTPIngressPath path) {
        String host = hb.host().name();
        Consumer<String> warn = m -> ctx.warn(ingress, "host " + host + ": " + m);
        PathMatch match = IngressPaths.match(path, warn);
        if (match == null) {
            return;
        }
        IngressPaths.ServiceRef ref = IngressPaths.service(path.getBackend(), "path " + match.path(), warn);
        if (ref == null) {
            return;
        }
        Route owner = hb.find(match);
        if (owner != null) {
            ctx.warn(ingress, IngressPaths.describe(host, match) + ": path already defined by Ingress "
                    + owner.namespace() + '/' + owner.ingress() + "; ignored here");
            return;
        }
        hb.add(new Route(ingress.namespace(), ingress.name(), host, match, ctx.backend(ingress, ref), null,
                ingress.proxy().optionsFor(match.path()), ctx.options().defaults().forPath(ingress.policies().routes(),
                match.path())));
        if (ingress.proxy().regexFor(match.path())) {
            hb.regex(true);
        }
    }

    private static void catchAll(BuildContext ctx, IngressEntry ingress, IngressBackend backend) {
        HostBuilder server = ctx.defaultServer();
        Route owner = server.fallback();
        if (owner != null) {
            ctx.warn(ingress, "catch-all spec.defaultBackend already defined by Ingress " + owner.namespace() + '/'
                    + owner.ingress() + "; ignored here");
            return;
        }
        IngressPaths.ServiceRef ref = IngressPaths.service(backend, "spec.defaultBackend", m -> ctx.warn(ingress, m));
        if (ref != null) {
            // ingress-nginx applies the catch-all Ingress's annotations, except rewrite and redirect.
            server.fallback(new Route(ingress.namespace(), ingress.name(), server.host().name(), PathMatch.prefix("/"),
                    ctx.backend(ingress, ref), null, ingress.proxy().withoutRewrite(),
                    ctx.options().defaults().forPath(ingress.policies().catchAll(), "/")));
        }
    }

    /**
     * A host's root location: ingress-nginx applies the defining Ingress's annotations to it,
     * except affinity, which it reads from rule paths only (affinity-spec.md §2).
     */
    static Route fallback(BuildContext ctx, IngressEntry ingress, HostBuilder hb, Backend backend) {
        return new Route(ingress.namespace(), ingress.name(), hb.host().name(), PathMatch.prefix("/"), backend, null,
                ingress.proxy().optionsFor("/"),
                ctx.options().defaults().forPath(ingress.policies().routes().without(Step.AFFINITY), "/"));
    }
}
