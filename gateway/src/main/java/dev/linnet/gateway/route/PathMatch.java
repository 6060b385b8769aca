package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

/**
 * A path rule as the Ingress API defines it
 * (<a href="https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types">path types</a>).
 *
 * <p>{@code Prefix} matches element-wise on {@code /}: {@code /foo} matches {@code /foo},
 * {@code /foo/} and {@code /foo/bar} but not {@code /foobar}; a trailing slash in the rule is
 * ignored, so {@code /foo/} behaves as {@code /foo}. {@code Exact} compares the whole path,
 * case-sensitively. {@code Regex} is a case-insensitive regular expression anchored at the start
 * of the path ({@link PathRegex}).
 *
 * @param path the path as written in the Ingress (an empty path already became {@code /})
 * @param regex the compiled path when {@code type} is {@code REGEX}, else {@code null}
 */
public record PathMatch(PathType type, String path, PathRegex regex) {

    public PathMatch {
        requireNonNull(type, "type");
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starts with /)");
        }
        if ((type == PathType.REGEX) != (regex != null) || regex != null && !regex.source().equals(path)) {
            throw new IllegalArgumentException("regex: " + regex + " (expected: the compiled path for REGEX only)");
        }
    }

    /** A match of this type; a {@code REGEX} path is compiled here (so: in the builder, never per request). */
    public PathMatch(PathType type, String path) {
        this(type, path, type == PathType.REGEX ? PathRegex.of(path) : null);
    }

    public static PathMatch exact(String path) {
        return new PathMatch(PathType.EXACT, path);
    }

    public static PathMatch prefix(String path) {
        return new PathMatch(PathType.PREFIX, path);
    }

    /**
     * {@code path} as a regular expression.
     *
     * @throws java.util.regex.PatternSyntaxException when it does not compile
     */
    public static PathMatch regex(String path) {
        return new PathMatch(PathType.REGEX, path);
    }

    /** The same path as a regular expression (what use-regex does to every path of a host). */
    public PathMatch asRegex() {
        return type == PathType.REGEX ? this : regex(path);
    }

    /**
     * The length that orders routes, longest first: a prefix without its trailing slash; a
     * regex as written, since ingress-nginx sorts regex locations by the length of the path
     * string and nginx takes the first regex that matches.
     */
    int prefixLength() {
        return type == PathType.REGEX ? path.length() : stripTrailingSlash(path).length();
    }

    /**
     * Whether {@code requestPath} (the request URI's path, without query) matches this rule.
     *
     * @throws PathRegexException when a {@code REGEX} rule cannot tell (see {@link PathRegex#matches})
     */
    public boolean matches(String requestPath) {
        if (type == PathType.EXACT) {
            return path.equals(requestPath);
        }
        if (type == PathType.REGEX) {
            return regex.matches(requestPath);
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
