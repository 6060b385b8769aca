package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

/**
 * One Ingress path: where it matches, the main (stable) backend, and the canary attached to it,
 * if any. {@code namespace}, {@code ingress} and {@code match.path()} are what metrics and
 * logs name: the Ingress path, never the request URI.
 *
 * @param canary the canary attached to this rule, or {@code null}
 */
public record Route(String namespace, String ingress, String host, PathMatch match, Backend backend, CanaryRule canary) {

    public Route {
        requireNonNull(namespace, "namespace");
        requireNonNull(ingress, "ingress");
        requireNonNull(host, "host");
        requireNonNull(match, "match");
        requireNonNull(backend, "backend");
    }

    public Route withCanary(CanaryRule rule) {
        return new Route(namespace, ingress, host, match, backend, rule);
    }
}
