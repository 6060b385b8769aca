package dev.linnet.controller.build;

import dev.linnet.controller.config.ConfigMapReader;
import dev.linnet.controller.config.ControllerSettings;
import dev.linnet.controller.config.HeaderKeys;
import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.CanaryAnnotations;
import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.annotation.Deviation;
import dev.linnet.controller.annotation.ErrorAnnotations;
import dev.linnet.controller.annotation.IngressPolicies;
import dev.linnet.controller.annotation.PolicyAnnotations;
import dev.linnet.controller.annotation.ProxyAnnotations;
import dev.linnet.controller.annotation.ServerAnnotations;
import dev.linnet.controller.annotation.SnippetAnnotations;
import dev.linnet.controller.annotation.UnsupportedAnnotations;
import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Cluster objects in, routing table out: a pure function (DESIGN.md). It never calls the API
 * server, and the same objects in any order give an equal table and equal warnings.
 *
 * <pre>
 *   controller ConfigMap ─▶ gateway settings, annotation defaults (ConfigMapReader; warnings)
 *   Ingresses ─▶ ours? (IngressClassFilter) ─▶ sort oldest first (IngressOrder)
 *             ─▶ snippets: the safe subset becomes policies; anything else and the Ingress is
 *                not served at all (SnippetAnnotations; warning), unless
 *                --serve-ingresses-with-snippets (then served without its snippets)
 *             ─▶ parse canary, proxy and policy annotations (annotation package; warnings);
 *                a security annotation ingress-nginx would drop the Ingress for: not served
 *             ─▶ IngressProcessor: non-canary Ingresses claim hosts, paths, fallbacks (with options)
 *             ─▶ CanaryProcessor:  canary Ingresses attach to the routes they name
 *             ─▶ (linnet check's build as ingress-nginx only) IngressNginxUpstreams: canaries moved
 *                                 to where ingress-nginx keeps them, with Deviation notes
 *             ─▶ ClientCertProcessor: auth-tls-* of main Ingresses onto their hosts (first wins; errors 403)
 *             ─▶ RegexProcessor:   hosts with use-regex / rewrite-target get regex paths
 *             ─▶ ErrorPagesProcessor: custom-http-errors, default-backend; --default-backend-service
 *                                 as the fallback of hosts without one
 *             ─▶ TlsProcessor:     spec.tls of non-canary Ingresses, --default-ssl-certificate
 *             ─▶ ServerProcessor:  app-root, server-alias, from-to-www twins onto the hosts
 *             ─▶ RouteTable (version 0; the control loop stamps it) + warnings
 * </pre>
 *
 * Backends are resolved on the way (BackendResolver), once per Service port.
 */
public final class RouteTableBuilder {

    private RouteTableBuilder() {
    }

    public static BuildResult build(ClusterState state, BuildOptions options) {
        requireNonNull(state, "state");
        requireNonNull(options, "options");
        ControllerSettings settings = ConfigMapReader.read(options.configMap(), new StateLookup(state),
                options.asIngressNginx());
        options = options.withDefaults(settings.defaults());
        BuildContext ctx = new BuildContext(state, options);
        IngressClassFilter filter = new IngressClassFilter(options, state.ingressClasses());

        List<IngressEntry> entries = new ArrayList<>();
        for (Ingress ingress : state.ingresses()) {
            if (ingress.getMetadata() != null && ingress.getMetadata().getName() != null && filter.isOurs(ingress)) {
                entries.add(new IngressEntry(ingress, BackendResolver.namespace(ingress),
                        ingress.getMetadata().getName(),
                        IngressOrder.parseTimestamp(ingress.getMetadata().getCreationTimestamp()),
                        CanaryAnnotations.NONE));
            }
        }
        entries.sort(IngressOrder.OLDEST_FIRST);

        // Parsed in sort order, so that annotation warnings come out in a deterministic order too.
        List<IngressEntry> parsed = new ArrayList<>(entries.size());
        ClusterLookup lookup = new StateLookup(state);
        // read here until AnnotationDefaults carries it (the custom-headers parser takes it as a parameter)
        Set<String> allowedResponseHeaders = HeaderKeys.allowedResponseHeaders(options.configMap(), lookup);
        for (IngressEntry e : entries) {
            SnippetAnnotations.Result snippets = snippets(e, options, m -> ctx.warn(e, m));
            if (snippets == null) {
                continue; // as if it did not exist: no host, path, canary, TLS nor source
            }
            IngressEntry p = parseAnnotations(e, options, lookup, m -> ctx.warn(e, m), snippets, allowedResponseHeaders);
            if (!p.policies().served()) {
                continue; // ingress-nginx's DROP (warned): the same as a snippet
            }
            ctx.source(e);
            parsed.add(p);
        }
        for (IngressEntry e : parsed) {
            CanaryProcessor.readMultiCanary(ctx, e);
            if (!e.isCanary()) {
                IngressProcessor.process(ctx, e);
            }
        }
        for (IngressEntry e : parsed) {
            if (e.isCanary()) {
                CanaryProcessor.process(ctx, e);
            }
        }
        if (options.asIngressNginx()) {
            IngressNginxUpstreams.apply(ctx, parsed); // linnet check only: canaries as ingress-nginx keeps them
        }
        ClientCertProcessor.process(ctx, parsed, lookup);
        RegexProcessor.process(ctx);
        ErrorPagesProcessor.process(ctx, parsed, settings.errorPages());
        for (IngressEntry e : parsed) {
            if (!e.isCanary()) {
                TlsProcessor.process(ctx, e);
            }
        }
        TlsProcessor.defaultCertificate(ctx, options.defaultCertificate());
        ServerProcessor.process(ctx, parsed);
        BuildResult built = ctx.result();
        prepareEndpointPolicies(built.table());
        List<ConfigWarning> warnings = new ArrayList<>(settings.warnings());
        warnings.addAll(built.warnings());
        return new BuildResult(built.table(), warnings, settings.gateway());
    }

    /**
     * Sticky keys and hash rings are computed here, on the control loop's thread, once per table,
     * rather than by the first request of each backend on an event loop.
     */
    static void prepareEndpointPolicies(RouteTable table) {
        List<VirtualHost> hosts = new ArrayList<>(table.exactHosts().values());
        hosts.addAll(table.wildcardHosts().values());
        hosts.add(table.defaultServer());
        for (VirtualHost vh : hosts) {
            for (Route r : vh.routes()) {
                prepare(r);
            }
            if (vh.fallback() != null) {
                prepare(vh.fallback());
            }
        }
    }

    private static void prepare(Route route) {
        EndpointPolicy policy = route.policies().endpoint();
        if (policy != null) {
            policy.prepare(route.backend());
            for (int i = 0; i < route.canaryCount(); i++) {
                policy.prepare(route.canary(i).backend());
            }
        }
    }

    /**
     * The policies of {@code e}'s snippets, or {@code null} when it is not served because one is
     * outside the safe subset: a snippet dropped silently fails open, e.g.
     * {@code configuration-snippet: "deny all; sub_filter …"} (issue 14 item 11, issue 19).
     */
    private static SnippetAnnotations.Result snippets(IngressEntry e, BuildOptions options, Consumer<String> warn) {
        Map<String, String> annotations = e.ingress().getMetadata().getAnnotations();
        String prefix = options.annotationsPrefix();
        if (!SnippetAnnotations.present(annotations, prefix)) {
            return SnippetAnnotations.Result.NONE;
        }
        SnippetAnnotations.Result r = SnippetAnnotations.compile(annotations, prefix,
                has(annotations, prefix, "rewrite-target"), has(annotations, prefix, "auth-url"), warn);
        if (r.refused() == null) {
            return r;
        }
        if (options.serveIngressesWithSnippets()) {
            SnippetAnnotations.warnIgnored(r.refused(), warn);
            return SnippetAnnotations.Result.NONE;
        }
        SnippetAnnotations.warnNotServed(r.refused(), warn);
        return null;
    }

    private static boolean has(Map<String, String> annotations, String prefix, String key) {
        String v = annotations.get(prefix + "/" + key);
        return v != null && !v.isBlank();
    }

    private static IngressEntry parseAnnotations(IngressEntry e, BuildOptions options, ClusterLookup lookup,
            Consumer<String> warn, SnippetAnnotations.Result snippets, Set<String> allowedResponseHeaders) {
        String prefix = options.annotationsPrefix();
        Map<String, String> annotations = e.ingress().getMetadata().getAnnotations();
        CanaryAnnotations canary = CanaryAnnotations.parse(annotations, prefix, warn);
        ProxyAnnotations proxy = ProxyAnnotations.NONE;
        IngressPolicies policies = IngressPolicies.NONE;
        if (canary.enabled()) {
            proxy = ProxyAnnotations.parseCanary(annotations, prefix, warn, options.defaults());
            if (!snippets.isEmpty()) {
                warn.accept("the snippets of a canary Ingress are ignored: the main Ingress's apply, as in"
                        + " ingress-nginx");
            }
            String dropped = PolicyAnnotations.validateOnCanary(annotations, prefix, e.namespace(), lookup, warn);
            if (dropped != null) {
                policies = IngressPolicies.notServed(dropped);
            }
        } else {
            List<String> nginxDrops = new ArrayList<>();
            Consumer<String> seen = !options.asIngressNginx() ? warn : m -> {
                warn.accept(m);
                if (Deviation.ingressNginxDrops(m)) {
                    nginxDrops.add(m);
                }
            };
            proxy = ProxyAnnotations.parse(annotations, prefix, seen, options.defaults());
            policies = PolicyAnnotations.parse(annotations, prefix, e.namespace(), lookup, seen, options.defaults(),
                    allowedResponseHeaders, options.asIngressNginx()).withSnippets(snippets);
            if (options.asIngressNginx()) { // read by later processors (which warn): here only whether they drop
                Consumer<String> dropsOnly = m -> {
                    if (Deviation.ingressNginxDrops(m)) {
                        nginxDrops.add(m);
                    }
                };
                ErrorAnnotations.parse(annotations, prefix, dropsOnly);
                ServerAnnotations.parse(annotations, prefix, dropsOnly);
            }
            if (!nginxDrops.isEmpty()) { // linnet check's build as ingress-nginx: its DROP
                String why = nginxDrops.get(0);
                String key = Deviation.annotationKey(why);
                warn.accept(Deviation.note(key == null ? "annotation" : key, why.substring(0, why.length()
                        - Deviation.INGRESS_NGINX_DROPS.length()).strip() + ": ingress-nginx does not serve the"
                        + " Ingress at all; Linnet serves it with that default"));
                policies = IngressPolicies.notServed(why);
            }
        }
        UnsupportedAnnotations.warn(annotations, prefix, warn);
        return e.withAnnotations(canary, proxy, policies);
    }
}
