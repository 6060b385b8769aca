package dev.linnet.gateway.route;

/**
 * How a route's path matches. ingress-nginx rewrites a missing pathType and
 * {@code ImplementationSpecific} to {@code Prefix}; the builder does the same. {@code REGEX} is
 * what every path of a host becomes when an Ingress of that host sets {@code use-regex} or
 * {@code rewrite-target} (ingress-nginx's {@code location ~* "^path"}).
 */
public enum PathType {
    EXACT,
    PREFIX,
    REGEX
}
