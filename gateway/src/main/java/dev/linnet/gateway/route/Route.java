package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.Policies;

/**
 * One Ingress path: where it matches, the main (stable) backend, the canary attached to it, if
 * any, and the main Ingress's per-route settings. {@code namespace}, {@code ingress} and
 * {@code match.path()} are what metrics and logs name: the Ingress path, never the request URI.
 *
 * @param canary the canary attached to this rule, or {@code null}
 * @param options the main Ingress's annotations that shape proxying (a canary Ingress's own
 *     non-canary annotations are ignored, as in ingress-nginx)
 * @param policies the main Ingress's per-request features (redirects, access checks, auth …) in
 *     nginx's order; canary-routed requests pass them too
 */
public record Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary,
        RouteOptions options, Policies policies) {

    public Route {
        requireNonNull(namespace, "namespace");
        requireNonNull(ingress, "ingress");
        requireNonNull(host, "host");
        requireNonNull(match, "match");
        requireNonNull(backend, "backend");
        requireNonNull(options, "options");
        requireNonNull(policies, "policies");
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
}
