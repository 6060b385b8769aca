package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one Ingress's policy annotations give, collected family by family
 * ({@link PolicyAnnotations}), with ingress-nginx's outcome classes for values that cannot be used
 * (auth-limits-spec.md §1.2):
 *
 * <ul>
 *   <li>a policy: {@link #add};</li>
 *   <li>DEFAULT: the family warns and adds its default (no call here);</li>
 *   <li>DENY: {@link #deny} — every route of the Ingress answers 503, never served without the
 *       security it asked for;</li>
 *   <li>DROP: {@link #drop} — the Ingress is not served at all, as if it did not exist.</li>
 * </ul>
 *
 * Every outcome is warned about with the Ingress, key, value and what was expected.
 */
public final class PolicyCollector {

    private final Map<String, String> annotations;
    private final String prefix;
    private final String namespace;
    private final ClusterLookup lookup;
    private final Consumer<String> warnings;
    private final AnnotationDefaults defaults;
    private final boolean asIngressNginx;
    private final List<Policy> policies = new ArrayList<>();
    private String denied; // the first DENY reason
    private String dropped; // the first DROP reason

    public PolicyCollector(Map<String, String> annotations, String prefix, String namespace, ClusterLookup lookup,
            Consumer<String> warnings, AnnotationDefaults defaults) {
        this(annotations, prefix, namespace, lookup, warnings, defaults, false);
    }

    /**
     * @param asIngressNginx build as ingress-nginx would ({@code linnet check}): where Linnet denies
     *     a value ingress-nginx serves without the security it asked for, leave the family out
     *     instead, with a {@link Deviation} note ({@link #denyWhereIngressNginxServesOpen})
     */
    public PolicyCollector(Map<String, String> annotations, String prefix, String namespace, ClusterLookup lookup,
            Consumer<String> warnings, AnnotationDefaults defaults, boolean asIngressNginx) {
        this.asIngressNginx = asIngressNginx;
        this.annotations = annotations == null ? Map.of() : annotations;
        this.prefix = requireNonNull(prefix, "prefix");
        this.namespace = requireNonNull(namespace, "namespace");
        this.lookup = requireNonNull(lookup, "lookup");
        this.warnings = requireNonNull(warnings, "warnings");
        this.defaults = requireNonNull(defaults, "defaults");
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public String prefix() {
        return prefix;
    }

    /** The Ingress's namespace: where a bare object name in an annotation is looked up. */
    public String namespace() {
        return namespace;
    }

    public ClusterLookup lookup() {
        return lookup;
    }

    /** What the controller ConfigMap gives where the Ingress has no annotation of its own. */
    public AnnotationDefaults defaults() {
        return defaults;
    }

    /** Whether this is the build as ingress-nginx would do it ({@code linnet check}). */
    public boolean asIngressNginx() {
        return asIngressNginx;
    }

    /** Where warnings go (invalid values that fall back to a default, ignored keys). */
    public Consumer<String> warnings() {
        return warnings;
    }

    public void warn(String message) {
        warnings.accept(message);
    }

    /** Adds a policy ({@code null}: the family has nothing to do for this Ingress). */
    public void add(Policy policy) {
        if (policy != null) {
            policies.add(policy);
        }
    }

    /**
     * ingress-nginx's DENY: {@code problem} is warned with "every path of the Ingress answers 503",
     * and the routes get a {@link Deny} policy (the first reason is kept).
     */
    public void deny(String problem) {
        warnings.accept(problem + "; every path of this Ingress answers 503 (fails closed)");
        if (denied == null) {
            denied = problem;
        }
    }

    /**
     * A value Linnet denies (503, as {@link #deny}) where ingress-nginx serves the Ingress without
     * the family's security (README compatibility section): {@code problem} says both. Built as
     * ingress-nginx, the family is left out instead, with a {@link Deviation} note for {@code key};
     * the caller returns without a policy either way.
     *
     * @param key the annotation, without prefix
     */
    public void denyWhereIngressNginxServesOpen(String key, String problem) {
        if (asIngressNginx) {
            warnings.accept(Deviation.note(prefix + '/' + key, problem + "; Linnet answers 503 on every path of the"
                    + " Ingress instead (fails closed)"));
            return;
        }
        deny(problem);
    }

    /** ingress-nginx's DROP: {@code problem} is warned with "not served", and the Ingress is left out. */
    public void drop(String problem) {
        warnings.accept(problem + "; the Ingress is not served");
        if (dropped == null) {
            dropped = problem;
        }
    }

    /** Whether a DENY or DROP was recorded (a family may stop building its policy then). */
    public boolean failed() {
        return denied != null || dropped != null;
    }

    /** The result; a denied Ingress keeps only its {@link Deny} (nothing else of it may run). */
    public IngressPolicies result() {
        if (dropped != null) {
            return IngressPolicies.notServed(dropped);
        }
        if (denied != null) {
            return IngressPolicies.of(List.of(new Deny(denied)));
        }
        return IngressPolicies.of(policies);
    }
}
