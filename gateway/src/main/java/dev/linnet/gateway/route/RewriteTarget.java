package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * ingress-nginx's {@code rewrite-target}: the upstream request URI becomes the target, with
 * {@code $1} … {@code $9} replaced by the capture groups of the route's path regex, as its
 * template's {@code rewrite "(?i)<path>" <target> break;} does. The target is split into
 * literal and group parts once, in the builder, so a request only concatenates.
 *
 * <p>Query string, as nginx's {@code rewrite}
 * (<a href="https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#rewrite">docs</a>): the
 * client's arguments are appended to a target without {@code ?}, appended after {@code &} to a
 * target with its own arguments, and dropped when the target ends with {@code ?}.
 *
 * <pre>
 *   path /api/v1/users?id=7   route ~* ^/api/(v\d)/(.*)   target /$2/$1
 *        └─ search ─▶ $1=v1 $2=users ─▶ /users/v1 ─▶ + ?id=7 ─▶ /users/v1?id=7
 * </pre>
 */
public final class RewriteTarget {

    private final String target;
    private final List<Object> pathParts; // before the target's own '?': String literals, Integer groups
    private final List<Object> argsParts; // after it; null when the target has no query of its own
    private final boolean dropsQuery;

    private RewriteTarget(String target) {
        this.target = target;
        String t = target;
        this.dropsQuery = t.endsWith("?");
        if (dropsQuery) {
            t = t.substring(0, t.length() - 1);
        }
        int q = t.indexOf('?');
        this.pathParts = parts(q < 0 ? t : t.substring(0, q));
        this.argsParts = q < 0 ? null : parts(t.substring(q + 1));
    }

    private static List<Object> parts(String t) {
        List<Object> p = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '$' && i + 1 < t.length() && t.charAt(i + 1) >= '1' && t.charAt(i + 1) <= '9') {
                if (!literal.isEmpty()) {
                    p.add(literal.toString());
                    literal.setLength(0);
                }
                p.add(t.charAt(++i) - '0');
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            p.add(literal.toString());
        }
        return List.copyOf(p);
    }

    public static RewriteTarget of(String target) {
        requireNonNull(target, "target");
        if (target.isEmpty()) {
            throw new IllegalArgumentException("target: \"\" (expected: a URI path)");
        }
        return new RewriteTarget(target);
    }

    public String target() {
        return target;
    }

    /**
     * The upstream URI for a request whose {@code path} matched {@code match}; {@code query} is
     * the request's query string without {@code ?} (or {@code null}). Groups that did not take
     * part, or that the path does not have, are empty, as in nginx. A non-regex match has no
     * groups. As {@link #apply(PathMatch, String, String, boolean)} for a path without escapes.
     */
    public String apply(PathMatch match, String path, String query) {
        return apply(match, path, query, false);
    }

    /**
     * As above, the way nginx's {@code rewrite ... break} and {@code proxy_pass} build it:
     * {@code path} is the normalised, decoded path ({@link RequestPath}); captures go into the
     * target's path part as they are, and the finished path is escaped once
     * ({@link RequestPath#escapeUri}: the proxy module escapes a rewritten {@code $uri}); in the
     * target's own query part, captures are escaped as arguments ({@link RequestPath#escapeArgs})
     * when {@code quotedPath} says the client's path had a {@code %} or {@code +}.
     *
     * <p>The search is the one the route lookup already ran on this path; its step budget is
     * deterministic, so for the route the lookup chose it runs out only on a stack overflow.
     *
     * @throws PathRegexException when the search cannot tell
     */
    public String apply(PathMatch match, String path, String query, boolean quotedPath) {
        Matcher m = match.regex() == null ? null : match.regex().search(path);
        StringBuilder rewritten = new StringBuilder(target.length() + path.length());
        append(rewritten, pathParts, m, false);
        if (rewritten.length() == 0 || rewritten.charAt(0) != '/') {
            // A target like "$1" must still give an origin-form target: "GET foo" is malformed,
            // and "GET http://evil.example/x" would make the pod take another host (RFC 9112 §3.2.2).
            rewritten.insert(0, '/');
        }
        StringBuilder out = new StringBuilder(RequestPath.escapeUri(rewritten.toString()));
        boolean clientQuery = !dropsQuery && query != null && !query.isEmpty();
        if (argsParts != null) {
            int start = out.length();
            append(out.append('?'), argsParts, m, quotedPath);
            if (clientQuery) {
                out.append('&').append(query); // nginx too: "?&q" when the target's own part is empty
            } else if (out.length() == start + 1) {
                out.setLength(start); // empty arguments: nginx's proxy writes no "?"
            }
        } else if (clientQuery) {
            out.append('?').append(query);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, List<Object> parts, Matcher m, boolean escapeCaptures) {
        for (Object part : parts) {
            if (part instanceof Integer group) {
                if (m != null && group <= m.groupCount() && m.group(group) != null) {
                    out.append(escapeCaptures ? RequestPath.escapeArgs(m.group(group)) : m.group(group));
                }
            } else {
                out.append((String) part);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RewriteTarget r && target.equals(r.target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return target;
    }
}
