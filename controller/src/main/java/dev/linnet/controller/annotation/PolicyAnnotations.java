package dev.linnet.controller.annotation;

import dev.linnet.controller.config.AnnotationDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every annotation family that becomes a route policy (DESIGN.md "Route policies"), parsed once
 * per Ingress in nginx's order of families. A new family adds its keys to {@link #KEYS} and one
 * line to {@link #parse}; the gateway side is one class in {@code gateway/policy}.
 */
public final class PolicyAnnotations {

    /** Every key of every policy family. */
    public static final List<AnnotationKey<?>> KEYS = keys(RedirectAnnotations.KEYS, CorsAnnotations.KEYS,
            RedirectUrlAnnotations.KEYS, ServerAnnotations.KEYS, AccessAnnotations.KEYS,
            BasicAuthAnnotations.KEYS, ExternalAuthAnnotations.KEYS, AffinityAnnotations.KEYS, BalanceAnnotations.KEYS,
            ErrorAnnotations.KEYS, HeaderAnnotations.KEYS);

    private PolicyAnnotations() {
    }

    /** The policies of a main Ingress, with ingress-nginx's defaults (no controller ConfigMap). */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings) {
        return parse(annotations, prefix, namespace, lookup, warnings, AnnotationDefaults.DEFAULT);
    }

    /**
     * The policies of a main Ingress; where it has no annotation of its own, the controller
     * ConfigMap's {@code defaults} apply (and its global auth, unless the Ingress opts out).
     */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings, AnnotationDefaults defaults) {
        return parse(annotations, prefix, namespace, lookup, warnings, defaults, Set.of());
    }

    /**
     * As {@link #parse(Map, String, String, ClusterLookup, Consumer, AnnotationDefaults)}, with the
     * controller ConfigMap's {@code global-allowed-response-headers} ({@code custom-headers} may
     * set only those).
     */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings, AnnotationDefaults defaults,
            Set<String> allowedResponseHeaders) {
        return parse(annotations, prefix, namespace, lookup, warnings, defaults, allowedResponseHeaders, false);
    }

    /** As above; {@code asIngressNginx}: as ingress-nginx would ({@link PolicyCollector}, {@code linnet check}). */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings, AnnotationDefaults defaults,
            Set<String> allowedResponseHeaders, boolean asIngressNginx) {
        PolicyCollector c = new PolicyCollector(annotations, prefix, namespace, lookup, warnings, defaults,
                asIngressNginx);
        c.add(RedirectAnnotations.parse(c.annotations(), prefix, warnings, defaults));
        c.add(CorsAnnotations.parse(c.annotations(), prefix, warnings));
        c.add(RedirectUrlAnnotations.parse(c.annotations(), prefix, defaults.relativeRedirects(), warnings).redirect());
        c.add(AccessAnnotations.withDenylist(c.annotations(), prefix, AccessAnnotations.parse(c.annotations(), prefix,
                warnings, defaults.allowlist()), defaults.denylist(), c::deny));
        c.add(AccessAnnotations.satisfy(c.annotations(), prefix, warnings));
        BasicAuthAnnotations.parse(c);
        ExternalAuthAnnotations.parse(c);
        // auth-tls-* is per host (build/ClientCertProcessor); here only what drops the Ingress counts
        String dropped = ClientCertAnnotations.parse(c.annotations(), prefix, namespace, lookup, warnings).dropped();
        if (dropped != null) {
            c.drop(dropped);
        }
        c.add(AffinityAnnotations.parse(c.annotations(), prefix, warnings));
        c.add(BalanceAnnotations.parse(c.annotations(), prefix, warnings, defaults.loadBalance()));
        HeaderAnnotations.parse(c, allowedResponseHeaders);
        backendVerification(c);
        return c.result();
    }

    /**
     * {@code proxy-ssl-verify: "on"} with a {@code proxy-ssl-secret} asks nginx to check the pod's
     * TLS certificate against that CA, which Linnet does not implement (its upstream TLS never
     * verifies): serving such an Ingress would send its traffic to whichever certificate answers,
     * so it answers 503 instead (fails closed). Without the Secret ingress-nginx drops the whole
     * proxy-ssl configuration and verifies nothing either, and over plain HTTP or gRPC the key means
     * nothing: then only the not-implemented warning stays.
     */
    private static void backendVerification(PolicyCollector c) {
        String verify = c.annotations().get(c.prefix() + "/proxy-ssl-verify");
        String secret = c.annotations().get(c.prefix() + "/proxy-ssl-secret");
        if (verify == null || !verify.strip().equals("on") || secret == null || secret.isBlank()) {
            return;
        }
        String protocol = c.annotations().getOrDefault(c.prefix() + "/" + ProxyAnnotations.BACKEND_PROTOCOL.name(), "")
                .strip().toUpperCase(java.util.Locale.ROOT);
        if (protocol.equals("HTTPS") || protocol.equals("GRPCS")) {
            c.deny("annotation " + c.prefix() + "/proxy-ssl-verify: \"on\" asks for the backend's TLS certificate"
                    + " to be verified, which Linnet does not implement (backend-protocol " + protocol + ")");
        }
    }

    /**
     * A canary Ingress's policy annotations never apply (its requests pass the main's policies,
     * auth-limits-spec.md §1.5), but they are still validated: a value that would make
     * ingress-nginx drop the Ingress drops the canary, which then never attaches.
     *
     * @return why the canary is not served, or {@code null}
     */
    public static String validateOnCanary(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings) {
        for (AnnotationKey<?> key : KEYS) {
            String raw = key.raw(annotations, prefix);
            if (raw != null) {
                warnings.accept(key.describe(prefix, raw) + " is ignored on a canary Ingress: the main Ingress's"
                        + " settings apply, as in ingress-nginx");
            }
        }
        IngressPolicies parsed = parse(annotations, prefix, namespace, lookup, ignored -> { });
        if (!parsed.served()) {
            warnings.accept(parsed.notServed() + "; the canary Ingress is not served");
            return parsed.notServed();
        }
        return null;
    }

    @SafeVarargs
    private static List<AnnotationKey<?>> keys(List<AnnotationKey<?>>... families) {
        List<AnnotationKey<?>> all = new ArrayList<>();
        for (List<AnnotationKey<?>> f : families) {
            all.addAll(f);
        }
        return List.copyOf(all);
    }
}
