package dev.linnet.controller.build;

import dev.linnet.controller.annotation.RedirectUrlAnnotations;
import dev.linnet.controller.annotation.ServerAnnotations;
import dev.linnet.gateway.policy.AppRoot;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The annotations that act on whole hosts (annotations-spec.md §2.2), once every host, path and
 * certificate is known. Main Ingresses, oldest first; each acts on the hosts of its rules:
 *
 * <pre>
 *   app-root              ─▶ a 302 for / on the host; the first Ingress's wins
 *   server-alias          ─▶ the host's extra names; the first Ingress's win; a name that is a
 *                            host of its own, a www twin or an earlier host's alias is dropped
 *   from-to-www-redirect  ─▶ a twin host www.H (or H without www.) that redirects everything to H,
 *                            unless a host of that name exists
 *   aliases and twins get the host's certificate when it is valid for their name
 * </pre>
 *
 * Precedence of names: real hosts, then twins, then aliases (nginx defines the twin servers first).
 * Canary Ingresses create no servers: their values are inert (warned by PolicyAnnotations).
 */
final class ServerProcessor {

    private ServerProcessor() {
    }

    static void process(BuildContext ctx, List<IngressEntry> ingresses) {
        String prefix = ctx.options().annotationsPrefix();
        Map<HostBuilder, IngressEntry> twins = new LinkedHashMap<>();
        for (IngressEntry ingress : ingresses) {
            if (ingress.isCanary()) {
                continue;
            }
            Map<String, String> annotations = ingress.ingress().getMetadata().getAnnotations();
            Consumer<String> warn = m -> ctx.warn(ingress, m);
            ServerAnnotations.Server server = ServerAnnotations.parse(annotations, prefix, warn);
            // parsed again only for from-to-www (PolicyAnnotations warned about its values already)
            boolean www = RedirectUrlAnnotations.parse(annotations, prefix, false, m -> { }).fromToWww();
            if (server.appRoot() == null && server.aliases().isEmpty() && !www) {
                continue;
            }
            for (HostBuilder host : hosts(ctx, ingress)) {
                String name = host.host().name();
                if (server.appRoot() != null && !host.appRoot(new AppRoot(server.appRoot()))) {
                    warn.accept("host " + name + ": app-root is already set by an older Ingress; ignored here");
                }
                if (!server.aliases().isEmpty() && !host.aliases(server.aliases(), ingress)) {
                    warn.accept("host " + name + ": server-alias is already set by Ingress "
                            + host.aliasesOwner().key() + "; ignored here, as in ingress-nginx");
                }
                if (www) {
                    twins.putIfAbsent(host, ingress);
                }
            }
        }
        twins.forEach((host, ingress) -> twin(ctx, host, ingress));
        for (HostBuilder host : ctx.hosts()) {
            for (String alias : host.aliases()) {
                alias(ctx, host, alias);
            }
        }
    }

    /** The hosts of the Ingress's rules (no default server), each once, in rule order. */
    private static Set<HostBuilder> hosts(BuildContext ctx, IngressEntry ingress) {
        Set<HostBuilder> out = new LinkedHashSet<>();
        List<IngressRule> rules = ingress.spec().getRules() == null ? List.of() : ingress.spec().getRules();
        for (IngressRule rule : rules) {
            HostRef ref = rule.getHttp() == null ? null : HostRef.of(rule.getHost(), m -> { });
            HostBuilder host = ref == null || ref.kind() == HostRef.Kind.DEFAULT ? null : ctx.existingHost(ref);
            if (host != null) {
                out.add(host);
            }
        }
        return out;
    }

    private static void twin(BuildContext ctx, HostBuilder host, IngressEntry ingress) {
        String name = host.host().name();
        if (host.host().kind() != HostRef.Kind.EXACT) {
            ctx.warn(ingress, "host " + name + ": from-to-www-redirect needs a host name, not a wildcard; ignored");
            return;
        }
        String other = name.startsWith("www.") ? name.substring(4) : "www." + name;
        HostRef ref = HostRef.of(other, m -> { });
        if (ref == null || ctx.existingHost(ref) != null) {
            ctx.warn(ingress, "host " + name + ": from-to-www-redirect: host " + other + " is defined by an Ingress;"
                    + " no redirect from " + other + " to " + name + ", as in ingress-nginx");
            return;
        }
        ctx.host(ref).twinOf(name);
        ctx.certificates().alsoFor(other, name);
    }

    private static void alias(BuildContext ctx, HostBuilder host, String alias) {
        IngressEntry owner = host.aliasesOwner();
        String name = host.host().name();
        HostRef ref = HostRef.of(alias, m -> { });
        HostBuilder existing = ctx.existingHost(ref);
        if (existing != null) {
            ctx.warn(owner, "host " + name + ": server-alias " + alias + " is " + (existing.isTwin()
                    ? "the from-to-www-redirect twin of another host" : "a host of its own") + "; alias dropped");
            return;
        }
        HostBuilder taken = ctx.aliasOwner(ref);
        if (taken != null) {
            ctx.warn(owner, "host " + name + ": server-alias " + alias + " is already an alias of host "
                    + taken.host().name() + "; alias dropped");
            return;
        }
        ctx.alias(ref, host);
        ctx.certificates().alsoFor(alias, name);
    }
}
