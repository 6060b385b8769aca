package dev.linnet.gateway.route;

/**
 * How a route's path matches. ingress-nginx rewrites a missing pathType and
 * {@code ImplementationSpecific} to {@code Prefix}; the builder does the same, so the data
 * plane only knows these two.
 */
public enum PathType {
    EXACT,
    PREFIX
}
