package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

/**
 * A path rule as the Ingress API defines it
 * (<a href="https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types">path types</a>).
 *
 * <p>{@code Prefix} matches element-wise on {@code /}: {@code /foo} matches {@code /foo},
 * {@code /foo/} and {@code /foo/bar} but not {@code /foobar}; a trailing slash in the rule is
 * ignored, so {@code /foo/} behaves as {@code /foo}. {@code Exact} compares the whole path,
 * case-sensitively.
 *
 * @param path the path as written in the Ingress (an empty path already became {@code /})
 */
public record PathMatch(PathType type, String path) {

    public PathMatch {
        requireNonNull(type, "type");
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starts with /)");
        }
    }

    public static PathMatch exact(String path) {
        return new PathMatch(PathType.EXACT, path);
    }

    public static PathMatch prefix(String path) {
        return new PathMatch(PathType.PREFIX, path);
    }

    /** The length that orders prefix routes: the longest prefix wins, trailing slash ignored. */
    int prefixLength() {
        return stripTrailingSlash(path).length();
    }

    /** Whether {@code requestPath} (the request URI's path, without query) matches this rule. */
    public boolean matches(String requestPath) {
        if (type == PathType.EXACT) {
            return path.equals(requestPath);
        }
        String prefix = stripTrailingSlash(path);
        if (prefix.isEmpty()) {
            return true; // "/" matches everything
        }
        if (!requestPath.startsWith(prefix)) {
            return false;
        }
        return requestPath.length() == prefix.length() || requestPath.charAt(prefix.length()) == '/';
    }

    private static String stripTrailingSlash(String p) {
        int end = p.length();
        while (end > 0 && p.charAt(end - 1) == '/') {
            end--;
        }
        return p.substring(0, end);
    }
}
