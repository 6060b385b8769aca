package dev.linnet.gateway.split;

import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.HeaderPattern;
import java.util.random.RandomGenerator;

/**
 * The per-request canary decision, in ingress-nginx's order (canary-spec.md §3,
 * {@code balancer.lua route_to_alternative_balancer}):
 *
 * <pre>
 *   no canary, or canary without endpoints ─▶ stable
 *   1. header present?
 *        header-value set ─▶ equal ─▶ canary            else fall through
 *        pattern set      ─▶ match ─▶ canary; error ─▶ stable (stop); no match ─▶ fall through
 *        neither          ─▶ "always" ─▶ canary; "never" ─▶ stable (stop); other ─▶ fall through
 *   2. cookie "always" ─▶ canary; "never" ─▶ stable; other or absent ─▶ fall through
 *   3. weight: draw r in [1, total], canary when r ≤ weight
 *      (with linnet.dev/canary-sticky-key: the user's key decides instead, {@link StickyCanary})
 * </pre>
 *
 * One deliberate difference (DESIGN.md 2): the weight total is used as given, so
 * weight 25 of total 50 is 50 %; ingress-nginx would have replaced a total below 100 by 100.
 * Session affinity pins a side before this runs (the proxy's endpoint policy), not here.
 */
public final class SplitDecider {

    private static final Decision STABLE = Decision.of(Variant.STABLE, Reason.NO_CANARY);

    private SplitDecider() {
    }

    public static Decision decide(CanaryRule rule, SplitRequest request, RandomGenerator random) {
        return decide(rule, request, random, null);
    }

    /**
     * @param stickyKey the user's key when the rule has a {@link StickyCanary} (the request's, or
     *     the assignment id issued with this response); {@code null} for the random draw
     */
    public static Decision decide(CanaryRule rule, SplitRequest request, RandomGenerator random, String stickyKey) {
        if (rule == null || !rule.backend().hasEndpoints()) {
            return STABLE;
        }
        Decision byRules = byRules(rule, request);
        if (byRules != null) {
            return byRules;
        }
        if (stickyKey != null && rule.sticky() != null) {
            long u = StickyCanary.position(rule.sticky().seed(), stickyKey);
            return Decision.of(StickyCanary.canary(u, rule.weight(), rule.weightTotal()) ? Variant.CANARY : Variant.STABLE,
                    Reason.STICKY);
        }
        return byWeight(rule.weight(), rule.weightTotal(), random);
    }

    /** The header rule's, then the cookie rule's verdict, or {@code null} when neither decided. */
    static Decision byRules(CanaryRule rule, SplitRequest request) {
        if (rule.header() != null) {
            String value = request.header(rule.header());
            if (value != null) {
                Decision byHeader = byHeader(rule, value);
                if (byHeader != null) {
                    return byHeader;
                }
            }
        }
        if (rule.cookie() != null) {
            String value = request.cookie(rule.cookie());
            if ("always".equals(value)) {
                return Decision.of(Variant.CANARY, Reason.COOKIE);
            }
            if ("never".equals(value)) {
                return Decision.of(Variant.STABLE, Reason.COOKIE);
            }
        }
        return null;
    }

    /** The header rule's verdict, or {@code null} to fall through to the cookie. */
    private static Decision byHeader(CanaryRule rule, String value) {
        if (rule.headerValue() != null) {
            return rule.headerValue().equals(value) ? Decision.of(Variant.CANARY, Reason.HEADER_VALUE) : null;
        }
        HeaderPattern pattern = rule.headerPattern();
        if (pattern != null) {
            return switch (pattern.match(value)) {
                case MATCH -> Decision.of(Variant.CANARY, Reason.HEADER_PATTERN);
                case ERROR -> Decision.of(Variant.STABLE, Reason.PATTERN_ERROR);
                case NO_MATCH -> null;
            };
        }
        if ("always".equals(value)) {
            return Decision.of(Variant.CANARY, Reason.HEADER);
        }
        if ("never".equals(value)) {
            return Decision.of(Variant.STABLE, Reason.HEADER);
        }
        return null;
    }

    static Decision byWeight(int weight, int total, RandomGenerator random) {
        if (weight <= 0) {
            return Decision.of(Variant.STABLE, Reason.WEIGHT);
        }
        if (weight >= total) {
            return Decision.of(Variant.CANARY, Reason.WEIGHT);
        }
        int draw = random.nextInt(total) + 1; // uniform in [1, total], as math.random(W)
        return Decision.of(draw <= weight ? Variant.CANARY : Variant.STABLE, Reason.WEIGHT);
    }
}
