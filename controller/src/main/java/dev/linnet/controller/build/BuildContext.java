package dev.linnet.controller.build;

import dev.linnet.controller.annotation.MultiCanaryAnnotations;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The state one build's processors share: hosts under construction, the backend cache and the
 * warnings, in the order they were found (which is deterministic, as the Ingresses are sorted).
 */
final class BuildContext {

    private final BuildOptions options;
    private final BackendResolver backends;
    private final Map<String, HostBuilder> exactHosts = new HashMap<>();
    private final Map<String, HostBuilder> wildcardHosts = new HashMap<>();
    private final HostBuilder defaultServer = new HostBuilder(HostRef.DEFAULT_SERVER);
    // server-alias names: more keys for an existing host (ServerProcessor)
    private final Map<String, HostBuilder> exactAliases = new HashMap<>();
    private final Map<String, HostBuilder> wildcardAliases = new HashMap<>();
    // A set: the same problem found twice for one Ingress (two paths, one missing Service) is one warning.
    private final Set<ConfigWarning> warnings = new LinkedHashSet<>();
    private final Map<String, String> sources = new HashMap<>();
    private final Map<String, MultiCanaryAnnotations.Mode> multiCanary = new HashMap<>();
    private final TlsSecrets tlsSecrets;
    private final CertificateBuilder certificates = new CertificateBuilder();

    BuildContext(ClusterState state, BuildOptions options) {
        this.options = options;
        this.backends = new BackendResolver(state);
        this.tlsSecrets = new TlsSecrets(state.secrets(), options.clock());
    }

    TlsSecrets tlsSecrets() {
        return tlsSecrets;
    }

    CertificateBuilder certificates() {
        return certificates;
    }

    /** A warning about another object than an Ingress (the default certificate's Secret). */
    void warnOn(String kind, String namespace, String name, String message) {
        warnings.add(new ConfigWarning(kind, namespace, name, message));
    }

    BuildOptions options() {
        return options;
    }

    void warn(IngressEntry ingress, String message) {
        warnings.add(new ConfigWarning("Ingress", ingress.namespace(), ingress.name(), message));
    }

    /** A warning about an Ingress known only by its coordinates (a route's). */
    void warn(String namespace, String name, String message) {
        warnings.add(new ConfigWarning("Ingress", namespace, name, message));
    }

    /** Every host under construction, the default server included, sorted by name (deterministic). */
    java.util.List<HostBuilder> hosts() {
        java.util.List<HostBuilder> all = new java.util.ArrayList<>(exactHosts.values());
        all.addAll(wildcardHosts.values());
        all.sort(java.util.Comparator.comparing((HostBuilder h) -> h.host().name()));
        all.add(defaultServer);
        return all;
    }

    /** Records that {@code ingress} is one of the table's sources (shown by /debug/routes). */
    void source(IngressEntry ingress) {
        String rv = ingress.ingress().getMetadata().getResourceVersion();
        sources.put(ingress.namespace() + '/' + ingress.name(), rv == null ? "" : rv);
    }

    /** Records that the main Ingress {@code main} lets every canary of its rules take part. */
    void multiCanary(IngressEntry main, MultiCanaryAnnotations.Mode mode) {
        multiCanary.put(main.key(), mode);
    }

    /** The multi-canary mode of the main Ingress {@code namespace/name}, or {@code null}. */
    MultiCanaryAnnotations.Mode multiCanary(String namespace, String name) {
        return multiCanary.get(namespace + '/' + name);
    }

    /** The host, created on first use. */
    HostBuilder host(HostRef ref) {
        return switch (ref.kind()) {
            case DEFAULT -> defaultServer;
            case EXACT -> exactHosts.computeIfAbsent(ref.key(), k -> new HostBuilder(ref));
            case WILDCARD -> wildcardHosts.computeIfAbsent(ref.key(), k -> new HostBuilder(ref));
        };
    }

    /** The host if a main Ingress defined it, else {@code null}. */
    HostBuilder existingHost(HostRef ref) {
        return switch (ref.kind()) {
            case DEFAULT -> defaultServer;
            case EXACT -> exactHosts.get(ref.key());
            case WILDCARD -> wildcardHosts.get(ref.key());
        };
    }

    HostBuilder defaultServer() {
        return defaultServer;
    }

    /** The host that already answers to {@code alias} as an alias, or {@code null}. */
    HostBuilder aliasOwner(HostRef alias) {
        return (alias.kind() == HostRef.Kind.WILDCARD ? wildcardAliases : exactAliases).get(alias.key());
    }

    /** {@code alias} routes like {@code host} (which must not be the default server). */
    void alias(HostRef alias, HostBuilder host) {
        (alias.kind() == HostRef.Kind.WILDCARD ? wildcardAliases : exactAliases).put(alias.key(), host);
    }

    /** The backend of a Service port; a resolution problem becomes a warning on {@code ingress}. */
    Backend backend(IngressEntry ingress, IngressPaths.ServiceRef ref) {
        BackendResolver.Resolved r = ingress.proxy().serviceUpstream()
                ? backends.resolveClusterIp(ingress.namespace(), ref.service(), ref.port())
                : backends.resolve(ingress.namespace(), ref.service(), ref.port());
        if (r.problem() != null) {
            warn(ingress, r.problem());
        }
        return r.backend();
    }

    /** The backend of a Service's first port, or {@code null} when there is no such Service or port (no warning). */
    BackendResolver.Resolved firstPort(String namespace, String service) {
        return backends.resolveFirstPort(namespace, service);
    }

    BuildResult result() {
        Map<HostBuilder, VirtualHost> built = new HashMap<>();
        Map<String, VirtualHost> exact = new HashMap<>();
        exactHosts.forEach((k, v) -> exact.put(k, built.computeIfAbsent(v, HostBuilder::build)));
        Map<String, VirtualHost> wildcard = new HashMap<>();
        wildcardHosts.forEach((k, v) -> wildcard.put(k, built.computeIfAbsent(v, HostBuilder::build)));
        // an alias shares its host's VirtualHost: the same routes, policies and fallback
        exactAliases.forEach((k, v) -> exact.put(k, built.computeIfAbsent(v, HostBuilder::build)));
        wildcardAliases.forEach((k, v) -> wildcard.put(k, built.computeIfAbsent(v, HostBuilder::build)));
        // Version 0: the control loop stamps versions when it publishes.
        RouteTable table = new RouteTable(0, exact, wildcard, defaultServer.build(), sources, certificates.build());
        return new BuildResult(table, java.util.List.copyOf(warnings));
    }
}
