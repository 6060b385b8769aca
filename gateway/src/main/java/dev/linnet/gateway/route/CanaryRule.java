package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.split.StickyCanary;

/**
 * The canary of one route: the canary Ingress's backend and its rules, already validated and
 * defaulted by the controller (canary-spec.md §1). The rules belong to the canary Ingress, not
 * to its Service (DESIGN.md, deliberate difference 1).
 *
 * @param namespace namespace of the canary Ingress
 * @param ingress name of the canary Ingress
 * @param backend the canary Service's backend
 * @param header request header name, or {@code null}; stored with {@code _} turned into
 *     {@code -} because ingress-nginx treats the two alike and drops request headers with
 *     underscores (canary-spec.md §3)
 * @param headerValue exact value that selects the canary, or {@code null}
 * @param headerPattern pattern that selects the canary when {@code headerValue} is absent, or
 *     {@code null}
 * @param cookie cookie name, or {@code null}
 * @param weight canary weight; at or below 0 never, at or above {@code weightTotal} always
 * @param weightTotal the weight total, at least 1 (the builder has applied the default of 100)
 * @param legacyAffinity {@code affinity-canary-behavior: legacy}: the canary does not share the
 *     main route's session affinity (it neither pins nor sets the cookie; affinity-spec.md §5)
 * @param sticky Linnet's sticky weighted assignment ({@code linnet.dev/canary-sticky-*}), or
 *     {@code null} for ingress-nginx's random draw per request
 */
public record CanaryRule(
        String namespace,
        String ingress,
        Backend backend,
        String header,
        String headerValue,
        HeaderPattern headerPattern,
        String cookie,
        int weight,
        int weightTotal,
        boolean legacyAffinity,
        StickyCanary sticky) {

    public CanaryRule {
        requireNonNull(namespace, "namespace");
        requireNonNull(ingress, "ingress");
        requireNonNull(backend, "backend");
        if (weightTotal < 1) {
            throw new IllegalArgumentException("weightTotal: " + weightTotal + " (expected: > 0)");
        }
        if (header != null) {
            header = header.replace('_', '-');
        }
    }

    /** A canary with the default {@code affinity-canary-behavior: sticky}. */
    public CanaryRule(String namespace, String ingress, Backend backend, String header, String headerValue,
            HeaderPattern headerPattern, String cookie, int weight, int weightTotal) {
        this(namespace, ingress, backend, header, headerValue, headerPattern, cookie, weight, weightTotal, false, null);
    }

    /** A canary without Linnet's sticky assignment. */
    public CanaryRule(String namespace, String ingress, Backend backend, String header, String headerValue,
            HeaderPattern headerPattern, String cookie, int weight, int weightTotal, boolean legacyAffinity) {
        this(namespace, ingress, backend, header, headerValue, headerPattern, cookie, weight, weightTotal,
                legacyAffinity, null);
    }

    /** This canary with Linnet's sticky weighted assignment. */
    public CanaryRule withSticky(StickyCanary assignment) {
        return new CanaryRule(namespace, ingress, backend, header, headerValue, headerPattern, cookie, weight, weightTotal,
                legacyAffinity, assignment);
    }

    /** This canary on {@code fresh} (the same Service port with new endpoints), every rule kept. */
    public CanaryRule withBackend(Backend fresh) {
        return new CanaryRule(namespace, ingress, fresh, header, headerValue, headerPattern, cookie, weight, weightTotal,
                legacyAffinity, sticky);
    }
}
