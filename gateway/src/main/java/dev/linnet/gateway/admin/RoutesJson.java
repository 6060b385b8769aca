package dev.linnet.gateway.admin;

import dev.linnet.gateway.policy.AppRoot;
import dev.linnet.gateway.policy.ClientCertAuth;
import dev.linnet.gateway.policy.HostForbidden;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.WwwRedirect;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.tls.CertificateTable;
import dev.linnet.gateway.tls.TlsCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /debug/routes}: the table a request would see right now, in a shape meant for people
 * and {@code jq}. Hosts are sorted so two dumps of equal tables compare equal as text.
 */
final class RoutesJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private RoutesJson() {
    }

    /**
     * @param publishedAt when the table was published, or {@code null}
     */
    static byte[] render(RouteTable table, Instant publishedAt) {
        return render(table, publishedAt, Map.of());
    }

    /**
     * @param publishedAt when the table was published, or {@code null}
     * @param skipped the endpoints the passive health check skips now (by at least one event
     *     loop), with how long at most; each backend lists its own under {@code skippedEndpoints}
     */
    static byte[] render(RouteTable table, Instant publishedAt, Map<Endpoint, Duration> skipped) {
        Map<String, String> sources = table.sources();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", table.version());
        root.put("publishedAt", publishedAt == null ? null : publishedAt.toString());
        root.put("ingresses", new TreeMap<>(sources));
        root.put("exact", hosts(table.exactHosts(), "", sources, skipped));
        root.put("wildcard", hosts(table.wildcardHosts(), "*.", sources, skipped));
        root.put("default", host(table.defaultServer(), sources, skipped));
        root.put("tls", tls(table.certificates()));
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Hosts by key; a server-alias (a key that is not its host's name) shows only the host it stands for. */
    private static Map<String, Object> hosts(Map<String, VirtualHost> hosts, String keyPrefix,
            Map<String, String> sources, Map<Endpoint, Duration> skipped) {
        Map<String, Object> out = new TreeMap<>();
        hosts.forEach((key, vh) -> out.put(key, (keyPrefix + key).equals(vh.name()) ? host(vh, sources, skipped)
                : Map.of("aliasOf", vh.name())));
        return out;
    }

    private static Map<String, Object> host(VirtualHost vh, Map<String, String> sources,
            Map<Endpoint, Duration> skipped) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", vh.name());
        List<Object> routes = new ArrayList<>();
        for (Route r : vh.routes()) {
            routes.add(route(r, sources, skipped));
        }
        out.put("routes", routes);
        out.put("fallback", vh.fallback() == null ? null : route(vh.fallback(), sources, skipped));
        hostPolicies(vh, out);
        return out;
    }

    /** A host's own policies, only when it has any (client certificates, or the 403 of unusable ones). */
    private static void hostPolicies(VirtualHost vh, Map<String, Object> out) {
        WwwRedirect twin = vh.policies().find(WwwRedirect.class);
        if (twin != null) {
            out.put("redirectTo", twin.target());
        }
        AppRoot appRoot = vh.policies().find(AppRoot.class);
        if (appRoot != null) {
            out.put("appRoot", appRoot.root());
        }
        HostForbidden forbidden = vh.policies().find(HostForbidden.class);
        if (forbidden != null) {
            out.put("forbidden", forbidden.reason());
        }
        ClientCertAuth auth = vh.policies().find(ClientCertAuth.class);
        if (auth != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("verifyClient", auth.verify().name().toLowerCase(Locale.ROOT));
            c.put("verifyDepth", auth.depth());
            c.put("cas", auth.ca().certificates().stream().map(x -> x.getSubjectX500Principal().getName()).toList());
            c.put("crls", auth.ca().crls().size());
            c.put("errorPage", auth.errorPage());
            c.put("passCertificateToUpstream", auth.passCertificate());
            c.put("matchCn", auth.matchCn() == null ? null : auth.matchCn().source());
            out.put("clientCertificates", c);
        }
    }

    private static Map<String, Object> route(Route r, Map<String, String> sources, Map<Endpoint, Duration> skipped) {
        String ingress = r.namespace() + '/' + r.ingress();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ingress", ingress);
        out.put("resourceVersion", sources.get(ingress));
        out.put("path", r.match().path());
        out.put("pathType", r.match().type().name());
        out.put("backend", backend(r.backend(), skipped));
        out.put("canary", r.canary() == null ? null : canary(r.canary(), sources, skipped));
        if (r.multiCanary() != null) { // linnet.dev/multi-canary: every canary, oldest first
            List<Object> all = new ArrayList<>();
            for (CanaryRule c : r.multiCanary().canaries()) {
                all.add(canary(c, sources, skipped));
            }
            out.put("canaries", all);
        }
        out.put("policies", policies(r.policies()));
        return out;
    }

    /** The route's policies by family, in the order they run ({@code ["ssl-redirect", "basic-auth"]}). */
    private static List<String> policies(Policies policies) {
        List<String> names = new ArrayList<>(policies.all().size());
        for (Policy p : policies.all()) {
            names.add(p.step().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        return names;
    }

    private static Map<String, Object> canary(CanaryRule c, Map<String, String> sources,
            Map<Endpoint, Duration> skipped) {
        String ingress = c.namespace() + '/' + c.ingress();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ingress", ingress);
        out.put("resourceVersion", sources.get(ingress));
        out.put("backend", backend(c.backend(), skipped));
        out.put("header", c.header());
        out.put("headerValue", c.headerValue());
        out.put("headerPattern", c.headerPattern() == null ? null : c.headerPattern().source());
        out.put("cookie", c.cookie());
        out.put("weight", c.weight());
        out.put("weightTotal", c.weightTotal());
        return out;
    }

    /** Which hosts have TLS and which certificate each presents (never the key). */
    private static Map<String, Object> tls(CertificateTable c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hosts", new TreeSet<>(c.tlsHosts()));
        Map<String, Object> certificates = new TreeMap<>();
        c.exact().forEach((host, cert) -> certificates.put(host, certificate(cert)));
        c.wildcard().forEach((suffix, cert) -> certificates.put("*." + suffix, certificate(cert)));
        out.put("certificates", certificates);
        out.put("defaultCertificate", c.defaultCertificate() == null ? null : certificate(c.defaultCertificate()));
        return out;
    }

    private static Map<String, Object> certificate(TlsCertificate c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("secret", c.name());
        out.put("subject", c.leaf().getSubjectX500Principal().getName());
        out.put("notAfter", c.notAfter().toString());
        out.put("sha256", c.fingerprint());
        return out;
    }

    private static Map<String, Object> backend(Backend b, Map<Endpoint, Duration> skipped) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", b.name());
        List<String> endpoints = new ArrayList<>();
        for (Endpoint e : b.endpoints()) {
            endpoints.add(e.toString());
        }
        out.put("endpoints", endpoints);
        Map<String, Object> skipping = new LinkedHashMap<>();
        for (Endpoint e : b.endpoints()) {
            Duration left = skipped.get(e);
            if (left != null) {
                skipping.put(e.toString(), Map.of("forMillisAtMost", left.toMillis()));
            }
        }
        out.put("skippedEndpoints", skipping); // the passive health check's (--upstream-max-fails)
        return out;
    }
}
