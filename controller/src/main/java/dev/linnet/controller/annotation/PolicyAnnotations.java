package dev.linnet.controller.annotation;

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
    public static final List<AnnotationKey<?>> KEYS = keys(RedirectAnnotations.KEYS, AccessAnnotations.KEYS,
            BasicAuthAnnotations.KEYS, ExternalAuthAnnotations.KEYS, AffinityAnnotations.KEYS, BalanceAnnotations.KEYS,
            HeaderAnnotations.KEYS);

    private PolicyAnnotations() {
    }

    /** The policies of a main Ingress, without a controller ConfigMap's allow list of response headers. */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings) {
        return parse(annotations, prefix, namespace, lookup, warnings, Set.of());
    }

    /**
     * The policies of a main Ingress.
     *
     * @param allowedResponseHeaders the controller ConfigMap's {@code global-allowed-response-headers}
     */
    public static IngressPolicies parse(Map<String, String> annotations, String prefix, String namespace,
            ClusterLookup lookup, Consumer<String> warnings, Set<String> allowedResponseHeaders) {
        PolicyCollector c = new PolicyCollector(annotations, prefix, namespace, lookup, warnings);
        c.add(RedirectAnnotations.parse(c.annotations(), prefix, warnings));
        c.add(AccessAnnotations.parse(c.annotations(), prefix, warnings));
        c.add(AccessAnnotations.satisfy(c.annotations(), prefix, warnings));
        BasicAuthAnnotations.parse(c);
        ExternalAuthAnnotations.parse(c);
        // auth-tls-* is per host (build/ClientCertProcessor); here only what drops the Ingress counts
        String dropped = ClientCertAnnotations.parse(c.annotations(), prefix, namespace, lookup, warnings).dropped();
        if (dropped != null) {
            c.drop(dropped);
        }
        c.add(AffinityAnnotations.parse(c.annotations(), prefix, warnings));
        c.add(BalanceAnnotations.parse(c.annotations(), prefix, warnings));
        HeaderAnnotations.parse(c, allowedResponseHeaders);
        return c.result();
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
