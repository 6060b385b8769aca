package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.split.MultiCanary;
import dev.linnet.gateway.split.StickyCanary;

/**
 * One Ingress path: where it matches, the main (stable) backend, the canary attached to it, if
 * any, and the main Ingress's per-route settings. {@code namespace}, {@code ingress} and
 * {@code match.path()} are what metrics and logs name: the Ingress path, never the request URI.
 *
 * @param canary the canary attached to this rule (the oldest of several), or {@code null}
 * @param options the main Ingress's annotations that shape proxying (a canary Ingress's own
 *     non-canary annotations are ignored, as in ingress-nginx)
 * @param policies the main Ingress's per-request features (redirects, access checks, auth …) in
 *     nginx's order; canary-routed requests pass them too
 * @param multiCanary with {@code linnet.dev/multi-canary} on the main Ingress: every canary of the
 *     rule, oldest first ({@code canary} is its first); {@code null} otherwise, so the common
 *     single-canary route carries no extra array
 */
public record Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary,
        RouteOptions options, Policies policies, MultiCanary multiCanary) {

    public Route {
        requireNonNull(namespace, "namespace");
        requireNonNull(ingress, "ingress");
        requireNonNull(host, "host");
        requireNonNull(match, "match");
        requireNonNull(backend, "backend");
        requireNonNull(options, "options");
        requireNonNull(policies, "policies");
        if (multiCanary != null && canary != multiCanary.canary(0)) {
            throw new IllegalArgumentException("canary: " + canary + " (expected: the first of multiCanary)");
        }
    }

    /** A route of a main Ingress without {@code linnet.dev/multi-canary}. */
    public Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary,
            RouteOptions options, Policies policies) {
        this(namespace, ingress, host, match, backend, canary, options, policies, null);
    }

    /** A route without policies. */
    public Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary,
            RouteOptions options) {
        this(namespace, ingress, host, match, backend, canary, options, Policies.NONE);
    }

    /** A route with {@link RouteOptions#DEFAULTS}. */
    public Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary) {
        this(namespace, ingress, host, match, backend, canary, RouteOptions.DEFAULTS, Policies.NONE);
    }

    public Route withCanary(CanaryRule rule) {
        return new Route(namespace, ingress, host, match, backend, rule, options, policies);
    }

    /** This route with other policies, everything else kept. */
    public Route withPolicies(Policies replaced) {
        return new Route(namespace, ingress, host, match, backend, canary, options, replaced, multiCanary);
    }

    /** This route with several canaries ({@code linnet.dev/multi-canary}). */
    public Route withCanaries(MultiCanary canaries) {
        return new Route(namespace, ingress, host, match, backend, canaries.canary(0), options, policies, canaries);
    }

    /** How many canaries take part: 0, 1, or more with {@link #multiCanary()}. */
    public int canaryCount() {
        return multiCanary != null ? multiCanary.size() : canary != null ? 1 : 0;
    }

    /** The canary at {@code index} (oldest first); index 0 is {@link #canary()}. */
    public CanaryRule canary(int index) {
        return index == 0 ? canary : multiCanary.canary(index);
    }

    /** Linnet's sticky assignment that keys this route's split: the main Ingress's with several canaries. */
    public StickyCanary stickyCanary() {
        return multiCanary != null ? multiCanary.sticky() : canary != null ? canary.sticky() : null;
    }
}
